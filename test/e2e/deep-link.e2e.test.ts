import { describe, expect, it } from "vitest";
import {
  eventually,
  FRESHNESS_TIMEOUT_MS,
  openBillingPageAsPro,
  textOf,
  waitForEmulatorPage,
} from "./billing-app.js";
import { CARDS, fillPortalCardForm } from "./emulator-pages.js";
import { setUpE2EEnvironment } from "./environment.js";

const e2e = setUpE2EEnvironment();

describe("portal deep links", () => {
  it("Update payment method opens the card form; the new Mastercard becomes the default", () =>
    e2e.inBrowser("deep-link-payment-method", async ({ page, snap }) => {
      const { t } = e2e;
      await openBillingPageAsPro(page, t);
      expect(await textOf(page, "payment-method")).toContain("Visa •••• 4242");
      await snap("billing-visa");

      await page.getByRole("button", { name: "Update payment method" }).click();
      // The flow opens straight on the card form, not on the portal's homepage.
      await waitForEmulatorPage(page, t);
      await fillPortalCardForm(page, CARDS.mastercard);
      expect(await page.getByRole("heading", { name: "Current plan" }).count()).toBe(0);
      await snap("portal-card-form");
      await page.getByRole("button", { name: "Add card" }).click();

      // Completing the flow redirects back to the app (after_completion), which syncs.
      await page.waitForURL((url) => url.href.startsWith(`${t.url}/settings/billing`));
      await eventually(
        async () => (await textOf(page, "payment-method"))?.includes("Mastercard •••• 4444"),
        true,
        FRESHNESS_TIMEOUT_MS,
      );
      expect(await textOf(page, "payment-method")).not.toContain("4242");
      // The return says what changed, and only that.
      const notice = page.getByRole("status").filter({ hasText: "Your card was updated" });
      expect(await notice.textContent()).toBe("Your card was updated to Mastercard •••• 4444.");
      await snap("billing-mastercard");
    }));
});
