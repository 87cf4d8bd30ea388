// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { BillingSettings } from "./components/billing-settings.js";
import { PorticoProvider } from "./provider.js";
import { fakeBillingApi, makeSubscription, PLANS } from "./test/fake-billing-api.js";

afterEach(cleanup);

describe("PorticoProvider", () => {
  it("keeps its state when the host re-renders with a new inline getToken, using the latest", async () => {
    const fetch = fakeBillingApi({
      "GET /subscription": { data: makeSubscription() },
      "GET /plans": { data: { plans: PLANS } },
    });
    const page = (token: string) => (
      <PorticoProvider fetch={fetch} getToken={async () => token}>
        <BillingSettings />
      </PorticoProvider>
    );
    const { rerender } = render(page("first"));
    await screen.findByText("Current plan");
    rerender(page("second"));
    document.dispatchEvent(new Event("visibilitychange"));
    await waitFor(() => expect(fetch).toHaveBeenCalledTimes(3));
    const last = fetch.mock.calls[2]?.[1];
    expect(new Headers(last?.headers).get("authorization")).toBe("Bearer second");
    expect(screen.getByText("Current plan")).toBeTruthy();
  });

  it("tells a component outside it what is missing", () => {
    expect(() => render(<BillingSettings />)).toThrow(/inside <PorticoProvider>/);
  });
});
