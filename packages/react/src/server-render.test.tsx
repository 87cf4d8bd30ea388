import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { BillingSettings, ManageBillingButton, PorticoProvider } from "./index.js";

// Node environment on purpose: no window or document, as in server rendering.
describe("server rendering", () => {
  it("imports and renders without touching window, the form already usable without JS", () => {
    expect(typeof globalThis.window).toBe("undefined");
    const html = renderToString(
      <PorticoProvider basePath="/api/billing">
        <BillingSettings />
        <ManageBillingButton flow="payment_method_update" />
      </PorticoProvider>,
    );
    expect(html).toContain("Loading billing…");
    expect(html).toContain('action="/api/billing/portal"');
    expect(html).toContain('name="flow" value="payment_method_update"');
  });
});
