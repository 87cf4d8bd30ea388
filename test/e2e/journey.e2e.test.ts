import { describe, expect, it } from "vitest";
import {
  currentUserId,
  eventually,
  FRESHNESS_TIMEOUT_MS,
  formatLongDate,
  periodEndOf,
  signUpInBrowser,
  stripeSubscriptionOf,
  textOf,
  waitForEmulatorPage,
} from "./billing-app.js";
import { CARDS, fillCheckoutForm, returnLinkName } from "./emulator-pages.js";
import { setUpE2EEnvironment } from "./environment.js";

/** The whole journey, from sign-up to the free plan after a canceled subscription. */

const e2e = setUpE2EEnvironment();

describe("the whole billing journey", () => {
  it("signs up, buys Pro, cancels in the portal and falls back to Free", { timeout: 120_000 }, () =>
    e2e.inBrowser("journey", async ({ context, page, snap }) => {
      const { t } = e2e;
      // 1. Sign up: a new user is on the free plan and is offered the plans.
      const email = await signUpInBrowser(page, t.url);
      await eventually(() => textOf(page, "plan-name"), "Free");
      expect(await page.getByTestId("status-badge").count()).toBe(0);
      await snap("billing-free");

      // 2. View plans, look at the annual prices, then choose Pro monthly.
      await page.getByRole("link", { name: "View plans" }).click();
      await page.waitForURL(`${t.url}/pricing`);
      await page.getByRole("heading", { level: 1, name: "Choose a plan" }).waitFor();
      const intervals = page.getByRole("group", { name: "Billing interval" });
      await intervals.getByRole("radio", { name: "Annual" }).check();
      await page.getByText("$290.00 / year").waitFor();
      await snap("pricing-annual");
      await intervals.getByRole("radio", { name: "Monthly" }).check();
      await page.getByText("$29.00 / month").waitFor();
      expect(await page.getByText("$290.00 / year").count()).toBe(0);
      await page.getByRole("heading", { level: 2, name: "Pro" }).waitFor();
      await snap("pricing-monthly");
      await page.getByRole("button", { name: "Choose Pro" }).click();

      // 3. Pay on the emulator's hosted checkout page.
      expect((await waitForEmulatorPage(page, t)).pathname).toMatch(/^\/c\/pay\//);
      expect(await page.textContent("table")).toContain("$29.00");
      await fillCheckoutForm(page, CARDS.visa, email);
      await snap("checkout-filled");
      await page.getByRole("button", { name: "Subscribe" }).click();

      // 4. Back on the billing page: Pro, active, the renewal date, the card, the invoice.
      await page.waitForURL((url) => url.href.startsWith(`${t.url}/settings/billing`));
      await page.getByRole("status").filter({ hasText: "Your subscription is active" }).waitFor();
      await eventually(() => Promise.resolve(page.url()), `${t.url}/settings/billing`);
      await eventually(() => textOf(page, "plan-name"), "Pro");
      expect(await textOf(page, "status-badge")).toBe("Active");
      const subscription = await stripeSubscriptionOf(t, await currentUserId(context, t.url));
      expect(subscription.status).toBe("active");
      const periodEnd = periodEndOf(subscription);
      expect(await textOf(page, "renewal")).toBe(`Renews on ${formatLongDate(periodEnd)}`);
      const card = await textOf(page, "payment-method");
      expect(card).toContain("Visa •••• 4242");
      expect(card).toContain("Expires 12/2034");

      const [invoice] = (await t.stripe.test.invoices.list({ subscription: subscription.id })).data;
      if (!invoice?.number) throw new Error("checkout left no numbered invoice");
      const table = page.getByRole("table", { name: "Invoice history" });
      await table.getByRole("cell", { name: invoice.number, exact: true }).waitFor();
      const firstRow = table.getByRole("row").nth(1);
      expect(await firstRow.textContent()).toContain("$29.00");
      expect(await firstRow.textContent()).toMatch(/paid/i);
      const pdf = firstRow.getByRole("link", { name: `Download invoice ${invoice.number} PDF` });
      expect(await pdf.getAttribute("href")).toBe(invoice.invoice_pdf);
      await snap("billing-pro");

      // 5. Manage billing opens the emulator's portal; cancel at period end with a reason.
      await page.getByRole("button", { name: "Manage billing" }).click();
      expect((await waitForEmulatorPage(page, t)).pathname).toMatch(/^\/p\/session\//);
      await page.getByRole("heading", { level: 2, name: "Current plan" }).waitFor();
      await snap("portal-home");
      await page.getByRole("link", { name: "Cancel plan" }).click();
      await page.getByRole("group", { name: "Why are you canceling?" }).waitFor();
      await page.getByRole("radio", { name: "It's too expensive" }).check();
      await snap("portal-cancel");
      await page.getByRole("button", { name: "Cancel plan" }).click();
      await page.getByRole("button", { name: "Renew plan" }).waitFor();
      await snap("portal-cancel-scheduled");
      await page.getByRole("link", { name: returnLinkName(t.url) }).click();

      // 6. Back in the app: the notice says what changed, "Cancels on", still Pro until the
      // period ends.
      await page.waitForURL((url) => url.href.startsWith(`${t.url}/settings/billing`));
      const endsOn = `Your subscription will end on ${formatLongDate(periodEnd)}.`;
      await page.getByRole("status").filter({ hasText: endsOn }).waitFor();
      expect(await page.getByRole("status").filter({ hasText: endsOn }).textContent()).toBe(endsOn);
      const cancelsOn = `Cancels on ${formatLongDate(periodEnd)}`;
      await eventually(() => textOf(page, "renewal"), cancelsOn, FRESHNESS_TIMEOUT_MS);
      // Every webhook delivered: Portico's own copy agrees, and the page has not moved back.
      await t.flush();
      const mirrored = await context.request.get(`${t.url}/api/billing/subscription`);
      expect((await mirrored.json()).data).toMatchObject({ plan: "pro", cancelAtPeriodEnd: true });
      expect(await textOf(page, "plan-name")).toBe("Pro");
      expect(await textOf(page, "renewal")).toBe(cancelsOn);
      await snap("billing-cancels");

      // 7. The period ends: the emulator cancels, its webhook reaches Portico, and the open
      // page polls its way to the free plan. A marker on window proves nobody reloaded.
      await page.evaluate(() => Object.assign(window, { e2eNoReload: true }));
      await t.control("clock/advance", { to: periodEnd + 60 });
      await eventually(() => textOf(page, "plan-name"), "Free", FRESHNESS_TIMEOUT_MS);
      expect(await page.evaluate(() => "e2eNoReload" in window)).toBe(true);
      await page.getByRole("link", { name: "View plans" }).waitFor();
      expect((await t.stripe.test.subscriptions.retrieve(subscription.id)).status).toBe("canceled");
      await snap("billing-free-again");
    }),
  );
});
