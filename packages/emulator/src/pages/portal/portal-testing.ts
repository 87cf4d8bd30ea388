import { randomBytes } from "node:crypto";
import Stripe from "stripe";
import { afterAll, beforeAll } from "vitest";
import { type RunningEmulator, startEmulator } from "../../server.js";

/**
 * Test-only helpers for the hosted portal: an in-process emulator, a customer subscribed
 * to "Basic" with "Pro" on offer, and form posting the way a browser does it.
 */

export type PortalTestAccount = {
  url: string;
  key: string;
  stripe: Stripe;
  /** POSTs to an `/_emulator/*` control route with this account's key. */
  control(path: string, params: Record<string, string>): Promise<Response>;
};

/** Starts one emulator for the calling test file; `get()` is usable inside tests. */
export function useInProcessEmulator(options: { portalSessionTtlSeconds?: number } = {}) {
  let emulator: RunningEmulator | undefined;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, ...options });
  });
  afterAll(async () => {
    await emulator?.close();
  });
  return {
    get(): RunningEmulator {
      if (!emulator) throw new Error("The emulator has not started yet");
      return emulator;
    },
  };
}

export function createPortalAccount(url: string): PortalTestAccount {
  const key = `sk_test_${randomBytes(12).toString("hex")}`;
  const { hostname, port } = new URL(url);
  const stripe = new Stripe(key, { host: hostname, port, protocol: "http", maxNetworkRetries: 0 });
  return {
    url,
    key,
    stripe,
    control: (path, params) =>
      fetch(`${url}${path}`, {
        method: "POST",
        headers: {
          Authorization: `Bearer ${key}`,
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams(params),
      }),
  };
}

export type PortalSetup = {
  customer: Stripe.Customer;
  basic: Stripe.Price;
  pro: Stripe.Price;
  subscription: Stripe.Subscription;
  configuration: Stripe.BillingPortal.Configuration;
};

type Features = Stripe.BillingPortal.ConfigurationCreateParams.Features;

/** Every feature on; tests switch single features off through `overrides`. */
export function allFeatures(
  basic: Stripe.Price,
  pro: Stripe.Price,
  overrides: Partial<Features> = {},
): Features {
  return {
    invoice_history: { enabled: true },
    payment_method_update: { enabled: true },
    customer_update: { enabled: true, allowed_updates: ["email", "name", "address"] },
    subscription_cancel: {
      enabled: true,
      mode: "at_period_end",
      cancellation_reason: { enabled: true, options: ["too_expensive", "unused", "other"] },
    },
    subscription_pause: { enabled: true },
    subscription_update: {
      enabled: true,
      default_allowed_updates: ["price"],
      proration_behavior: "create_prorations",
      products: [
        { product: basic.product as string, prices: [basic.id] },
        { product: pro.product as string, prices: [pro.id] },
      ],
    },
    ...overrides,
  };
}

/** A customer with a Visa on file, subscribed to Basic ($10/month); Pro costs $20/month. */
export async function createPortalSetup(
  stripe: Stripe,
  overrides: Partial<Features> = {},
): Promise<PortalSetup> {
  const basic = await stripe.prices.create({
    currency: "usd",
    unit_amount: 1000,
    recurring: { interval: "month" },
    product_data: { name: "Basic" },
  });
  const pro = await stripe.prices.create({
    currency: "usd",
    unit_amount: 2000,
    recurring: { interval: "month" },
    product_data: { name: "Pro" },
  });
  const customer = await stripe.customers.create({ email: "ada@example.com", name: "Ada" });
  const card = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
  await stripe.customers.update(customer.id, {
    invoice_settings: { default_payment_method: card.id },
  });
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: basic.id }],
  });
  const configuration = await stripe.billingPortal.configurations.create({
    business_profile: { headline: "Acme billing" },
    features: allFeatures(basic, pro, overrides),
  });
  return { customer, basic, pro, subscription, configuration };
}

export async function openPortal(
  stripe: Stripe,
  setup: PortalSetup,
  params: Partial<Stripe.BillingPortal.SessionCreateParams> = {},
): Promise<Stripe.BillingPortal.Session> {
  return stripe.billingPortal.sessions.create({
    customer: setup.customer.id,
    configuration: setup.configuration.id,
    return_url: "https://app.example.com/account",
    ...params,
  });
}

export async function fetchPage(url: string): Promise<{ status: number; html: string }> {
  const response = await fetch(url, { redirect: "manual" });
  return { status: response.status, html: await response.text() };
}

export function readCsrfToken(html: string): string {
  const match = /name="csrf-token" content="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error("The page has no CSRF token");
  return match[1];
}

/** POSTs a form with a given CSRF token, for tests that forge or replay one. */
export async function postWithToken(url: string, csrf: string): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrf }),
    redirect: "manual",
  });
}

export async function isCancelScheduled(stripe: Stripe, subscriptionId: string): Promise<boolean> {
  return (await stripe.subscriptions.retrieve(subscriptionId)).cancel_at_period_end;
}

/**
 * Submits a portal form as a browser would: the CSRF token comes from the session page,
 * redirects are not followed so tests can check the 303 target.
 */
export async function postPortalForm(
  sessionUrl: string,
  path: string,
  fields: Record<string, string> = {},
): Promise<{ status: number; location: string | null; html: string }> {
  const page = await fetchPage(sessionUrl);
  const body = new URLSearchParams({ csrf: readCsrfToken(page.html), ...fields });
  const response = await fetch(`${sessionUrl}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body,
    redirect: "manual",
  });
  return {
    status: response.status,
    location: response.headers.get("location"),
    html: await response.text(),
  };
}

/** The events `action` caused, oldest first. */
export async function captureEvents(
  stripe: Stripe,
  action: () => Promise<unknown>,
): Promise<Stripe.Event[]> {
  const before = await stripe.events.list({ limit: 100 });
  const seen = new Set(before.data.map((event) => event.id));
  await action();
  const after = await stripe.events.list({ limit: 100 });
  return after.data.filter((event) => !seen.has(event.id)).reverse();
}
