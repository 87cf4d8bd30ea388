import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import {
  captureStripeError,
  createRecurringPrice,
  createTestAccount,
  subscribeNewCustomer,
} from "../testing.js";

async function createPrices(stripe: Stripe) {
  const product = await stripe.products.create({ name: "Plan" });
  const monthly = await createRecurringPrice(stripe, { product: product.id });
  const yearly = await createRecurringPrice(stripe, { product: product.id, interval: "year" });
  return { monthly, yearly };
}

describe("subscriptions", () => {
  it("puts the billing period on items, not on the subscription", async () => {
    const { stripe } = createTestAccount();
    const { monthly } = await createPrices(stripe);
    const customer = await stripe.customers.create({});
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id, quantity: 3 }],
      metadata: { seat: "team" },
    });
    expect(subscription.status).toBe("active");
    expect(subscription).not.toHaveProperty("current_period_end");
    const [item] = subscription.items.data;
    expect(item).toMatchObject({
      object: "subscription_item",
      quantity: 3,
      subscription: subscription.id,
    });
    expect(item?.price.id).toBe(monthly.id);
    const start = new Date((item?.current_period_start ?? 0) * 1000);
    const end = new Date((item?.current_period_end ?? 0) * 1000);
    const expected = new Date(start);
    expected.setUTCDate(1);
    expected.setUTCMonth(start.getUTCMonth() + 1);
    expect(end.getUTCMonth()).toBe(expected.getUTCMonth());
    expect(subscription.start_date).toBe(item?.current_period_start);
  });

  it("starts trialing with a trial and ends the period at trial end", async () => {
    const { stripe } = createTestAccount();
    const { monthly } = await createPrices(stripe);
    const subscription = await subscribeNewCustomer(stripe, monthly.id, { trial_period_days: 14 });
    expect(subscription.status).toBe("trialing");
    expect(subscription.trial_end).toBe((subscription.trial_start ?? 0) + 14 * 86_400);
    expect(subscription.items.data[0]?.current_period_end).toBe(subscription.trial_end);
    const ended = await stripe.subscriptions.update(subscription.id, { trial_end: "now" });
    expect(ended.status).toBe("active");
  });

  it("schedules cancellation at period end and can undo it", async () => {
    const { stripe } = createTestAccount();
    const { monthly } = await createPrices(stripe);
    const subscription = await subscribeNewCustomer(stripe, monthly.id);
    const scheduled = await stripe.subscriptions.update(subscription.id, {
      cancel_at_period_end: true,
    });
    expect(scheduled.cancel_at_period_end).toBe(true);
    expect(scheduled.cancel_at).toBe(scheduled.items.data[0]?.current_period_end);
    expect(scheduled.status).toBe("active");
    const resumed = await stripe.subscriptions.update(subscription.id, {
      cancel_at_period_end: false,
    });
    expect(resumed).toMatchObject({
      cancel_at_period_end: false,
      cancel_at: null,
      canceled_at: null,
    });
  });

  it("switches, adds and removes items", async () => {
    const { stripe } = createTestAccount();
    const { monthly, yearly } = await createPrices(stripe);
    const subscription = await subscribeNewCustomer(stripe, monthly.id);
    const itemId = subscription.items.data[0]?.id ?? "";
    const switched = await stripe.subscriptions.update(subscription.id, {
      items: [{ id: itemId, price: yearly.id, quantity: 2 }],
      proration_behavior: "none",
    });
    expect(switched.items.data).toHaveLength(1);
    expect(switched.items.data[0]).toMatchObject({
      id: itemId,
      quantity: 2,
      price: { id: yearly.id },
    });
    const duplicate = await captureStripeError(
      stripe.subscriptions.update(subscription.id, { items: [{ price: yearly.id }] }),
    );
    expect(duplicate.statusCode).toBe(400);
    const emptied = await captureStripeError(
      stripe.subscriptions.update(subscription.id, { items: [{ id: itemId, deleted: true }] }),
    );
    expect(emptied.param).toBe("items");
    const unknown = await captureStripeError(
      stripe.subscriptions.update(subscription.id, { items: [{ id: "si_missing", quantity: 1 }] }),
    );
    expect(unknown).toMatchObject({ code: "resource_missing", param: "items[0][id]" });
  });

  it("cancels, then hides canceled subscriptions from the default list", async () => {
    const { stripe } = createTestAccount();
    const { monthly, yearly } = await createPrices(stripe);
    const customer = await stripe.customers.create({});
    const kept = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: yearly.id }],
    });
    const gone = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
    });
    const canceled = await stripe.subscriptions.cancel(gone.id);
    expect(canceled).toMatchObject({
      status: "canceled",
      cancellation_details: { reason: "cancellation_requested" },
    });
    expect(canceled.ended_at).not.toBeNull();

    const ids = async (params: Stripe.SubscriptionListParams) =>
      (await stripe.subscriptions.list(params)).data.map((s) => s.id);
    expect(await ids({ customer: customer.id })).toEqual([kept.id]);
    expect(await ids({ status: "all" })).toEqual([gone.id, kept.id]);
    expect(await ids({ status: "canceled" })).toEqual([gone.id]);
    expect(await ids({ price: monthly.id, status: "all" })).toEqual([gone.id]);
    const frozen = await captureStripeError(
      stripe.subscriptions.update(gone.id, { cancel_at_period_end: true }),
    );
    expect(frozen.statusCode).toBe(400);
  });

  it("records Stripe-shaped events for subscription changes", async () => {
    const { stripe } = createTestAccount();
    const { monthly } = await createPrices(stripe);
    const subscription = await subscribeNewCustomer(stripe, monthly.id);
    await stripe.subscriptions.update(subscription.id, { metadata: { a: "1" } });
    const events = await stripe.events.list({ type: "customer.subscription.*" });
    expect(events.data.map((e) => e.type)).toEqual([
      "customer.subscription.updated",
      "customer.subscription.created",
    ]);
    const updated = events.data[0];
    expect(updated?.data.previous_attributes).toEqual({ metadata: {} });
    expect(updated?.request?.id).toMatch(/^req_/);
  });
});
