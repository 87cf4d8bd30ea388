import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../../../../test/browser.js";
import { createRecurringPrice, createTestAccount } from "../testing.js";

const SCREENSHOTS = "test-results/checkout";
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const snap = (page: Page, name: string) =>
  page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });

async function openCheckout(stripe: Stripe, successUrl: string) {
  const product = await stripe.products.create({ name: "Pro plan" });
  const price = await createRecurringPrice(stripe, { product: product.id, unitAmount: 2000 });
  const session = await stripe.checkout.sessions.create({
    mode: "subscription",
    line_items: [{ price: price.id }],
    success_url: successUrl,
    cancel_url: `${successUrl.split("?")[0]}?canceled=1`,
  });
  const page = await browser.newPage();
  await page.goto(session.url ?? "");
  return { session, page };
}

/** Types into the labelled fields with the keyboard, as a customer would. */
async function fillCard(page: Page, number: string) {
  await page.getByLabel("Email").fill("browser@example.com");
  await page.getByLabel("Card number").fill(number);
  await page.getByLabel("Expiration (MM / YY)").fill("12 / 34");
  await page.getByLabel("CVC").fill("123");
  await page.getByLabel("Cardholder name").fill("Grace Hopper");
}

describe("hosted checkout in a browser", () => {
  it("subscribes with 4242 and lands on success_url with the session id", async () => {
    const { stripe, url } = createTestAccount();
    // The emulator's own health route stands in for the app's success page.
    const { session, page } = await openCheckout(
      stripe,
      `${url}/_emulator/health?session_id={CHECKOUT_SESSION_ID}`,
    );
    expect(await page.getByText("Pro plan").count()).toBe(1);
    expect(await page.textContent("table")).toContain("$20.00");
    await snap(page, "1-form");
    await fillCard(page, "4242 4242 4242 4242");
    await snap(page, "2-filled");
    await page.getByLabel("Cardholder name").press("Enter");
    await page.waitForURL(/session_id=/);
    await snap(page, "3-success");
    expect(new URL(page.url()).searchParams.get("session_id")).toBe(session.id);
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ["subscription"] });
    expect(done.status).toBe("complete");
    expect((done.subscription as Stripe.Subscription).status).toBe("active");
    await page.close();
  });

  it("shows Stripe's decline message for 0002 and creates no subscription", async () => {
    const { stripe, url } = createTestAccount();
    const { session, page } = await openCheckout(stripe, `${url}/_emulator/health`);
    await fillCard(page, "4000 0000 0000 0002");
    await page.getByRole("button", { name: "Subscribe" }).click();
    await page.getByRole("alert").waitFor();
    await snap(page, "4-declined");
    expect(await page.getByRole("alert").textContent()).toBe("Your card was declined.");
    expect((await stripe.subscriptions.list({ status: "all" })).data).toEqual([]);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
    await page.close();
  });
});
