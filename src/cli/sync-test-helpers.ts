import { createServer, request as forward } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { expect } from "vitest";
import {
  expectedCard,
  expectedDetails,
  expectedInvoice,
  expectedSubscriptionRow,
} from "../../test/sync-expected.js";
import type { Db } from "../db/client.js";
import {
  billingCustomerDetails,
  billingInvoices,
  billingPaymentMethods,
  billingSubscriptions,
} from "../db/schema.js";

/** Test-only: an emulator account full of billing objects, and what Portico should hold. */

export interface LoggedRequest {
  /** performance.now() when the request reached the proxy. */
  at: number;
  method: string;
  path: string;
}

/**
 * A pass-through HTTP proxy in front of the emulator that logs every request, so request
 * counts and rates are measured where Stripe would count them, not by the code under test.
 */
export async function startCountingProxy(target: string) {
  const upstream = new URL(target);
  const requests: LoggedRequest[] = [];
  const watchers = new Set<(request: LoggedRequest) => void>();
  const server = createServer((incoming, outgoing) => {
    const logged = {
      at: performance.now(),
      method: incoming.method ?? "",
      path: incoming.url ?? "",
    };
    requests.push(logged);
    for (const watch of watchers) watch(logged);
    const proxied = forward(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    proxied.on("error", () => outgoing.destroy());
    incoming.pipe(proxied);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** Calls `watch` with each request as it arrives, until the returned function is called. */
    watch(watch: (request: LoggedRequest) => void) {
      watchers.add(watch);
      return () => watchers.delete(watch);
    },
    /** Requests logged from now on. */
    mark() {
      const start = requests.length;
      return () => requests.slice(start);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The most requests that reached the proxy within any one-second window. */
export function mostRequestsInOneSecond(requests: LoggedRequest[]): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < requests.length; end++) {
    const endAt = requests[end]?.at ?? 0;
    while ((requests[start]?.at ?? 0) <= endAt - 1000) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

async function forEachConcurrently<T>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

export const SUBSCRIPTIONS_PER_CUSTOMER = 5;

/**
 * `customers` customers, each with a default card (every fourth a second card) and five
 * subscriptions: active, ending at period end, trialing, and two canceled.
 */
export async function seedBillingAccount(stripe: Stripe, customers: number) {
  const price = await stripe.prices.create({
    currency: "usd",
    unit_amount: 1500,
    recurring: { interval: "month" },
    product_data: { name: "Pro" },
  });
  const indexes = Array.from({ length: customers }, (_, i) => i);
  await forEachConcurrently(indexes, 16, async (i) => {
    const customer = await stripe.customers.create({
      email: `customer-${i}@example.com`,
      name: `Customer ${i}`,
      ...(i % 3 === 0
        ? {
            address: {
              line1: `${i} Main St`,
              city: "Springfield",
              postal_code: "12345",
              country: "US",
            },
          }
        : {}),
    });
    const card = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    await stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: card.id },
    });
    if (i % 4 === 0)
      await stripe.paymentMethods.attach("pm_card_mastercard", { customer: customer.id });
    const subscribe = (params: Partial<Stripe.SubscriptionCreateParams> = {}, quantity = 1) =>
      stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: price.id, quantity }],
        ...params,
      });
    await subscribe({}, 1 + (i % 3));
    const ending = await subscribe();
    await stripe.subscriptions.update(ending.id, { cancel_at_period_end: true });
    await subscribe({ trial_period_days: 14, default_payment_method: card.id });
    for (const canceled of [await subscribe(), await subscribe()])
      await stripe.subscriptions.cancel(canceled.id);
  });
  return { price };
}

/** Everything in the account, as the SDK reads it. */
export async function readStripeState(stripe: Stripe) {
  const all = { limit: 10_000 };
  const [customers, subscriptions, invoices] = await Promise.all([
    stripe.customers.list({ limit: 100 }).autoPagingToArray(all),
    stripe.subscriptions.list({ status: "all", limit: 100 }).autoPagingToArray(all),
    stripe.invoices.list({ limit: 100 }).autoPagingToArray(all),
  ]);
  const cards: { method: Stripe.PaymentMethod; isDefault: boolean }[] = [];
  await forEachConcurrently(customers, 16, async (customer) => {
    const methods = await stripe.customers.listPaymentMethods(customer.id, { limit: 100 });
    const chosen = customer.invoice_settings.default_payment_method;
    for (const method of methods.data) cards.push({ method, isDefault: method.id === chosen });
  });
  return { customers, subscriptions, invoices, cards };
}

export async function readLocalRows(db: Db) {
  const [customers, subscriptions, cards, invoices] = await Promise.all([
    db.select().from(billingCustomerDetails).where(eq(billingCustomerDetails.livemode, false)),
    db.select().from(billingSubscriptions).where(eq(billingSubscriptions.livemode, false)),
    db.select().from(billingPaymentMethods).where(eq(billingPaymentMethods.livemode, false)),
    db.select().from(billingInvoices).where(eq(billingInvoices.livemode, false)),
  ]);
  return { customers, subscriptions, cards, invoices };
}

/** Each expected row against the stored row of the same id, with only the expected fields. */
function expectSameRows<E extends object>(
  label: string,
  stored: Record<string, unknown>[],
  expected: E[],
  id: keyof E & string,
) {
  const byId = new Map(stored.map((row) => [row[id], row]));
  const storedProjected = expected.map((row) => {
    const local = byId.get(row[id]);
    return local ? Object.fromEntries(Object.keys(row).map((key) => [key, local[key]])) : undefined;
  });
  expect(stored.length, `${label}: stored row count`).toBe(expected.length);
  expect(storedProjected, label).toEqual(expected);
}

/** Portico's tables equal Stripe's objects, field by field, every object. */
export async function expectLocalStateEqualsStripe(db: Db, stripe: Stripe) {
  const remote = await readStripeState(stripe);
  const local = await readLocalRows(db);
  expectSameRows(
    "customers",
    local.customers,
    remote.customers.map(expectedDetails),
    "stripeCustomerId",
  );
  expectSameRows(
    "subscriptions",
    local.subscriptions,
    remote.subscriptions.map(expectedSubscriptionRow),
    "stripeSubscriptionId",
  );
  expectSameRows(
    "cards",
    local.cards,
    remote.cards.map(({ method, isDefault }) => expectedCard(method, isDefault)),
    "stripePaymentMethodId",
  );
  expectSameRows(
    "invoices",
    local.invoices,
    remote.invoices.map(expectedInvoice),
    "stripeInvoiceId",
  );
  return remote;
}
