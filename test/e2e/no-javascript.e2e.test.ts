import { describe, expect, it } from "vitest";
import { giveCustomer } from "../portico.js";
import { signUpWithCookie, waitForEmulatorPage } from "./billing-app.js";
import { returnLinkName } from "./emulator-pages.js";
import { setUpE2EEnvironment } from "./environment.js";

const e2e = setUpE2EEnvironment();

describe("without JavaScript", () => {
  it("the noscript Manage billing form still reaches the portal", () =>
    e2e.inBrowser(
      "no-javascript",
      async ({ context, page, snap }) => {
        const { t } = e2e;
        // The session cookie comes from the API; the page itself can run no script.
        const user = await signUpWithCookie(context, t.url);
        await giveCustomer(t, user.id);
        const response = await page.goto(`${t.url}/settings/billing`);
        expect(response?.status()).toBe(200);
        const manage = page.getByRole("button", { name: "Manage billing" });
        await manage.waitFor();
        await snap("billing-noscript");

        await manage.click();
        // The form post answers 303 to the emulator's portal, and the browser follows it.
        await waitForEmulatorPage(page, t);
        await page.getByRole("heading", { level: 2, name: "Current plan" }).waitFor();
        const back = page.getByRole("link", { name: returnLinkName(t.url) });
        const backTo = new URL((await back.getAttribute("href")) ?? "");
        expect(`${backTo.origin}${backTo.pathname}`).toBe(`${t.url}/settings/billing`);
        await snap("portal");
      },
      { javaScriptEnabled: false },
    ));
});
