import type { APIRequestContext, BrowserContext, Page } from "playwright-core";
import type Stripe from "stripe";
import { expect } from "vitest";
import { findBillingCustomer } from "../../src/db/billing-customers.js";
import { userSubjectId } from "../../src/db/subjects.js";
import { payOnHostedCheckout } from "../checkout.js";
import { uniqueEmail } from "../portico.js";
import type { SyncedPortico } from "../sync.js";
import { LOCALE, TIME_ZONE } from "./browser-session.js";

/** What a user does in the web app, and what the tests expect it to show (ui-contract). */

export const PASSWORD = "correct horse battery";
/** The page re-fetches every 3 s; a webhook-driven change must show within a few rounds. */
export const FRESHNESS_TIMEOUT_MS = 15_000;

/** "June 3, 2026" in the browser's locale and zone, as the page formats `dateStyle: long`. */
export function formatLongDate(unixSeconds: number): string {
  return new Intl.DateTimeFormat(LOCALE, { dateStyle: "long", timeZone: TIME_ZONE }).format(
    new Date(unixSeconds * 1000),
  );
}

/** Waits until `read()` answers `expected`, with vitest's polling (no page reloads). */
export async function eventually<T>(read: () => Promise<T>, expected: T, timeout = 10_000) {
  await expect.poll(read, { timeout, interval: 200 }).toEqual(expected);
}

export const textOf = (page: Page, testId: string) =>
  page
    .getByTestId(testId)
    .textContent()
    .then((text) => text?.replace(/\s+/g, " ").trim() ?? null);

/** Through the sign-up form; ends on the billing page. */
export async function signUpInBrowser(page: Page, baseUrl: string): Promise<string> {
  const email = uniqueEmail();
  await page.goto(`${baseUrl}/signup`);
  await page.getByRole("heading", { level: 1, name: "Create your account" }).waitFor();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(`${baseUrl}/settings/billing`);
  await page.getByRole("heading", { level: 1, name: "Billing" }).waitFor();
  return email;
}

async function readData<T>(response: Awaited<ReturnType<APIRequestContext["get"]>>): Promise<T> {
  if (!response.ok()) throw new Error(`${response.url()}: ${response.status()}`);
  return ((await response.json()) as { data: T }).data;
}

/** Signs up through the API with the context's own request client, so the cookie lands in it. */
export async function signUpWithCookie(context: BrowserContext, baseUrl: string) {
  const response = await context.request.post(`${baseUrl}/api/auth/signup`, {
    data: { email: uniqueEmail(), password: PASSWORD },
  });
  return (await readData<{ user: { id: string; email: string } }>(response)).user;
}

export async function currentUserId(context: BrowserContext, baseUrl: string): Promise<string> {
  const me = await readData<{ user: { id: string } }>(
    await context.request.get(`${baseUrl}/api/auth/me`),
  );
  return me.user.id;
}

/** Pro monthly, bought through the API and paid on the emulator, webhooks delivered. */
export async function subscribeToPro(context: BrowserContext, t: SyncedPortico) {
  // As the page would: a cookie-authenticated post must name its origin.
  const response = await context.request.post(`${t.url}/api/billing/checkout`, {
    headers: { origin: t.url },
    data: { plan: "pro", interval: "monthly" },
  });
  const { url } = await readData<{ url: string }>(response);
  await payOnHostedCheckout(url);
  await t.flush();
}

/** The user's subscription as Stripe has it, read through the SDK. */
export async function stripeSubscriptionOf(
  t: SyncedPortico,
  userId: string,
): Promise<Stripe.Subscription> {
  const customer = await findBillingCustomer(t.portico.database.db, userSubjectId(userId), false);
  if (!customer) throw new Error(`user ${userId} has no Stripe customer`);
  const list = await t.stripe.test.subscriptions.list({
    customer: customer.stripeCustomerId,
    status: "all",
  });
  const [subscription] = list.data;
  if (!subscription) throw new Error(`customer ${customer.stripeCustomerId} has no subscription`);
  return subscription;
}

/** Stripe moved period dates onto the items; the page shows the latest. */
export function periodEndOf(subscription: Stripe.Subscription): number {
  return Math.max(...subscription.items.data.map((item) => item.current_period_end));
}

/** A new Pro subscriber, signed in, looking at the billing page. */
export async function openBillingPageAsPro(page: Page, t: SyncedPortico): Promise<void> {
  await signUpWithCookie(page.context(), t.url);
  await subscribeToPro(page.context(), t);
  await page.goto(`${t.url}/settings/billing`);
  await eventually(() => textOf(page, "plan-name"), "Pro");
}

/**
 * After a click that should leave for the emulator (portal or checkout): its URL. While
 * the app shows an alert instead, the failure says so rather than timing out in silence.
 */
export async function waitForEmulatorPage(page: Page, t: SyncedPortico): Promise<URL> {
  const origin = new URL(t.emulatorUrl).origin;
  const whereabouts = async () => {
    if (new URL(page.url()).origin === origin) return "on the emulator";
    const alerts = await page.getByRole("alert").allTextContents();
    return alerts.length > 0 ? `alert: ${alerts.join(" ")}` : `still on ${page.url()}`;
  };
  await expect.poll(whereabouts, { timeout: 15_000, interval: 100 }).toBe("on the emulator");
  await page.waitForLoadState();
  return new URL(page.url());
}
