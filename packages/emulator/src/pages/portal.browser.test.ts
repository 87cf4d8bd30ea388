import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../../../../test/browser.js";
import {
  createPortalAccount,
  createPortalSetup,
  openPortal,
  type PortalTestAccount,
  useInProcessEmulator,
} from "./portal/portal-testing.js";

/** Drives the hosted portal like a customer would; state is checked through the SDK. */

const SCREENSHOTS = "test-results/portal";
const emulator = useInProcessEmulator();
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function withPage(run: (page: Page) => Promise<void>): Promise<void> {
  const context = await browser.newContext();
  try {
    await run(await context.newPage());
  } finally {
    await context.close();
  }
}

const snap = (page: Page, name: string) =>
  page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
const account = (): PortalTestAccount => createPortalAccount(emulator.get().url);

describe("hosted portal in a browser", () => {
  it("changes the plan from Basic to Pro", async () => {
    const { stripe } = account();
    const setup = await createPortalSetup(stripe);
    const session = await openPortal(stripe, setup);
    await withPage(async (page) => {
      await page.goto(session.url);
      await snap(page, "plan-change-1-home");
      // Keyboard only: focus the link and follow it with Enter.
      await page.getByRole("link", { name: "Update plan" }).focus();
      await page.keyboard.press("Enter");
      await page.getByRole("heading", { name: "Update your plan" }).waitFor();
      await snap(page, "plan-change-2-picker");
      await page.getByRole("button", { name: "Select Pro $20.00 per month" }).click();
      await page.getByRole("heading", { name: "Confirm your new plan" }).waitFor();
      await snap(page, "plan-change-3-confirm");
      await page.getByRole("button", { name: "Confirm" }).click();
      await expect(page.getByRole("status").textContent()).resolves.toBe(
        "Your plan has been updated.",
      );
      await snap(page, "plan-change-4-done");
    });
    const subscription = await stripe.subscriptions.retrieve(setup.subscription.id);
    expect(subscription.items.data[0]?.price.id).toBe(setup.pro.id);
  });

  it("cancels at the end of the period with a reason", async () => {
    const { stripe } = account();
    const setup = await createPortalSetup(stripe);
    const session = await openPortal(stripe, setup);
    await withPage(async (page) => {
      await page.goto(session.url);
      await page.getByRole("link", { name: "Cancel plan" }).click();
      await page.getByRole("group", { name: "Why are you canceling?" }).waitFor();
      await page.getByRole("radio", { name: "It's too expensive" }).check();
      await snap(page, "cancel-at-period-end-1-confirm");
      await page.getByRole("button", { name: "Cancel plan" }).click();
      await page.getByRole("button", { name: "Renew plan" }).waitFor();
      await snap(page, "cancel-at-period-end-2-scheduled");
    });
    const subscription = await stripe.subscriptions.retrieve(setup.subscription.id);
    expect(subscription).toMatchObject({ status: "active", cancel_at_period_end: true });
    expect(subscription.cancellation_details?.feedback).toBe("too_expensive");
  });

  it("cancels immediately when the configuration says so", async () => {
    const { stripe } = account();
    const setup = await createPortalSetup(stripe, {
      subscription_cancel: { enabled: true, mode: "immediately" },
    });
    const session = await openPortal(stripe, setup);
    await withPage(async (page) => {
      await page.goto(session.url);
      await page.getByRole("link", { name: "Cancel plan" }).click();
      await page.getByText("Your plan will be canceled immediately.").waitFor();
      await snap(page, "cancel-immediately-1-confirm");
      await page.getByRole("button", { name: "Cancel plan" }).click();
      await page.getByText("Your plan has been canceled.").waitFor();
      await snap(page, "cancel-immediately-2-done");
    });
    expect((await stripe.subscriptions.retrieve(setup.subscription.id)).status).toBe("canceled");
  });

  it("adds a 4242 card, then shows the decline for 0002 without adding it", async () => {
    const { stripe } = account();
    const setup = await createPortalSetup(stripe);
    const session = await openPortal(stripe, setup);
    const fillCard = async (page: Page, number: string) => {
      await page.getByLabel("Card number").fill(number);
      await page.getByLabel("Expiration").fill("12 / 34");
      await page.getByLabel("CVC").fill("123");
    };
    await withPage(async (page) => {
      await page.goto(session.url);
      await page.getByRole("link", { name: "Add payment method" }).click();
      await fillCard(page, "4242 4242 4242 4242");
      await snap(page, "add-card-1-form");
      await page.getByRole("button", { name: "Add card" }).click();
      await page.getByText("Your card was added.").waitFor();
      await snap(page, "add-card-2-added");

      await page.getByRole("link", { name: "Add payment method" }).click();
      await fillCard(page, "4000 0000 0000 0002");
      await page.getByRole("button", { name: "Add card" }).click();
      await expect(page.getByRole("alert").textContent()).resolves.toBe("Your card was declined.");
      await snap(page, "add-card-3-declined");
    });
    const cards = await stripe.paymentMethods.list({ customer: setup.customer.id, type: "card" });
    expect(cards.data.map((pm) => pm.card?.last4).sort()).toEqual(["4242", "4242"]);
    const customer = await stripe.customers.retrieve(setup.customer.id);
    const defaultId =
      "deleted" in customer ? null : customer.invoice_settings.default_payment_method;
    expect(defaultId).toBe(cards.data[0]?.id);
  });

  it("shows the expired page for an old session and changes nothing", async () => {
    const portal = account();
    const setup = await createPortalSetup(portal.stripe);
    const session = await openPortal(portal.stripe, setup);
    await withPage(async (page) => {
      await page.goto(session.url);
      await page.getByRole("link", { name: "Cancel plan" }).click();
      await portal.control("/_emulator/clock/advance", { seconds: "301" });
      await page.getByRole("button", { name: "Cancel plan" }).click();
      await page.getByRole("heading", { name: "This session has expired" }).waitFor();
      await snap(page, "expired-1-submit");
      await page.goto(session.url);
      await page.getByRole("heading", { name: "This session has expired" }).waitFor();
      await expect(
        page.getByRole("link", { name: "Return to app.example.com" }).count(),
      ).resolves.toBe(1);
      await snap(page, "expired-2-reload");
    });
    const subscription = await portal.stripe.subscriptions.retrieve(setup.subscription.id);
    expect(subscription.cancel_at_period_end).toBe(false);
  });
});
