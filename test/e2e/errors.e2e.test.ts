import { describe, expect, it } from "vitest";
import { findBillingCustomer } from "../../src/db/billing-customers.js";
import { userSubjectId } from "../../src/db/subjects.js";
import { addEmulatorFault } from "../emulator-process.js";
import { postJson, uniqueEmail } from "../portico.js";
import {
  currentUserId,
  eventually,
  openBillingPageAsPro,
  PASSWORD,
  signUpInBrowser,
  textOf,
  waitForEmulatorPage,
} from "./billing-app.js";
import { CARDS, fillCheckoutForm } from "./emulator-pages.js";
import { setUpE2EEnvironment } from "./environment.js";

const e2e = setUpE2EEnvironment();

describe("errors the user can see", () => {
  it("Stripe failing to open the portal shows why and re-enables Manage billing", () =>
    e2e.inBrowser("errors-portal-unavailable", async ({ page, snap }) => {
      const { t } = e2e;
      await openBillingPageAsPro(page, t);

      // One slow, failing portal session; the next one works.
      const path = "/v1/billing_portal/sessions";
      await addEmulatorFault(t.emulatorUrl, t.keys.test, {
        kind: "latency",
        path,
        ms: 1500,
        times: 1,
      });
      await addEmulatorFault(t.emulatorUrl, t.keys.test, { kind: "api_error", path, times: 1 });
      const portalPosts: string[] = [];
      page.on("request", (request) => {
        if (request.method() === "POST" && request.url().endsWith("/api/billing/portal")) {
          portalPosts.push(request.url());
        }
      });

      // A double click must not ask for two sessions.
      await page.getByRole("button", { name: "Manage billing" }).dblclick();
      const pending = page.getByRole("button", { name: "Opening billing portal…" });
      await pending.waitFor();
      expect(await pending.isDisabled()).toBe(true);
      expect(await pending.getAttribute("aria-busy")).toBe("true");
      await snap("manage-billing-pending");

      const alert = page.getByRole("alert");
      await alert.waitFor();
      expect(await alert.textContent()).toContain("Stripe is unavailable");
      const button = page.getByRole("button", { name: "Manage billing" });
      expect(await button.isEnabled()).toBe(true);
      expect(await button.getAttribute("aria-busy")).not.toBe("true");
      expect(portalPosts).toHaveLength(1);
      await snap("manage-billing-error");

      // The fault is spent: trying again reaches the portal.
      await button.click();
      await waitForEmulatorPage(page, t);
      await page.getByRole("heading", { level: 2, name: "Current plan" }).waitFor();
    }));

  it("a declined card leaves the user on the free plan with a clear message", () =>
    e2e.inBrowser("errors-card-declined", async ({ context, page, snap }) => {
      const { t } = e2e;
      const email = await signUpInBrowser(page, t.url);
      await page.getByRole("link", { name: "View plans" }).click();
      await page.getByRole("button", { name: "Choose Pro" }).click();
      await waitForEmulatorPage(page, t);
      await fillCheckoutForm(page, CARDS.declined, email);
      await page.getByRole("button", { name: "Subscribe" }).click();
      const decline = page.getByRole("alert");
      await decline.waitFor();
      expect(await decline.textContent()).toBe("Your card was declined.");
      await snap("checkout-declined");

      // The user gives up and follows the checkout page's way back to the app.
      await page.getByRole("link", { name: "Cancel" }).click();
      await page.waitForURL((url) => url.href.startsWith(`${t.url}/settings/billing`));
      await page
        .getByRole("status")
        .filter({ hasText: "Checkout was canceled. You have not been charged." })
        .waitFor();
      await eventually(() => textOf(page, "plan-name"), "Free");
      await page.getByRole("link", { name: "View plans" }).waitFor();
      // Checkout made the Stripe customer, so the portal is open to them (e.g. to add a card).
      await page.getByRole("button", { name: "Manage billing" }).waitFor();
      await snap("billing-after-decline");

      const userId = await currentUserId(context, t.url);
      const customer = await findBillingCustomer(
        t.portico.database.db,
        userSubjectId(userId),
        false,
      );
      if (!customer) throw new Error("checkout should have created the Stripe customer");
      const subscriptions = await t.stripe.test.subscriptions.list({
        customer: customer.stripeCustomerId,
        status: "all",
      });
      expect(subscriptions.data).toEqual([]);
    }));

  it("signing up with a taken email signs no one in and suggests signing in", () =>
    e2e.inBrowser("errors-signup-taken-email", async ({ page, snap }) => {
      const { t } = e2e;
      const email = uniqueEmail();
      const owner = await postJson(t, "/api/auth/signup", { email, password: PASSWORD });
      expect(owner.status).toBe(201);

      await page.goto(`${t.url}/signup`);
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill("a different password");
      await page.getByRole("button", { name: "Create account" }).click();
      const alert = page.getByRole("alert");
      await alert.waitFor();
      expect(await alert.textContent()).toContain("If you already have one, sign in.");
      expect(new URL(page.url()).pathname).toBe("/signup");
      await snap("signup-taken-email");
    }));
});
