import Stripe from "stripe";
import { inject } from "vitest";
import { newStripeKeys, saveDefaultPortalConfiguration } from "../../../test/emulator-process.js";

/**
 * Stripe's reference data (../shared/stripe beside the repository): current API types,
 * fixtures and the CLI's trigger calls. Read in place, never copied in.
 */
export const STRIPE_REFERENCE = new URL("../../../../shared/stripe/", import.meta.url);

/** Test-only: SDK clients on a fresh account of the shared emulator process. */
export type TestAccount = {
  url: string;
  keys: { test: string; live: string };
  stripe: Stripe;
  live: Stripe;
  /** Raw HTTP against the emulator with this account's test key, for wire-level checks. */
  request(
    method: string,
    path: string,
    body?: string,
    headers?: Record<string, string>,
  ): Promise<Response>;
  saveDefaultPortal(configurationId?: string): Promise<{ id: string; is_default: boolean }>;
};

function createSdk(key: string, url: string): Stripe {
  const { hostname, port } = new URL(url);
  return new Stripe(key, { host: hostname, port, protocol: "http", maxNetworkRetries: 0 });
}

export function createTestAccount(): TestAccount {
  const url = inject("emulatorUrl");
  const keys = newStripeKeys();
  return {
    url,
    keys,
    stripe: createSdk(keys.test, url),
    live: createSdk(keys.live, url),
    request: (method, path, body, headers = {}) =>
      fetch(`${url}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${keys.test}`,
          "Content-Type": "application/x-www-form-urlencoded",
          ...headers,
        },
        ...(body === undefined ? {} : { body }),
      }),
    saveDefaultPortal: (configurationId) =>
      saveDefaultPortalConfiguration(url, keys.test, configurationId),
  };
}

/** Runs a call expected to fail and returns the SDK's error for assertions. */
export async function captureStripeError(
  call: Promise<unknown>,
): Promise<Stripe.errors.StripeError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error("Expected the Stripe call to fail, but it succeeded");
}

/** A recurring price on a new (or given) product. */
export function createRecurringPrice(
  stripe: Stripe,
  options: {
    interval?: Stripe.PriceCreateParams.Recurring.Interval;
    product?: string;
    unitAmount?: number;
  } = {},
): Promise<Stripe.Price> {
  return stripe.prices.create({
    currency: "usd",
    unit_amount: options.unitAmount ?? 1000,
    recurring: { interval: options.interval ?? "month" },
    ...(options.product ? { product: options.product } : { product_data: { name: "Plan" } }),
  });
}

/** A new customer subscribed to one price. */
export async function subscribeNewCustomer(
  stripe: Stripe,
  price: string,
  params: Omit<Stripe.SubscriptionCreateParams, "customer" | "items"> = {},
): Promise<Stripe.Subscription> {
  const customer = await stripe.customers.create({});
  return stripe.subscriptions.create({ customer: customer.id, items: [{ price }], ...params });
}
