import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { createCustomerWithCard, latestEventId, listEvents } from "../billing/billing-testing.js";
import { captureStripeError, createRecurringPrice, createTestAccount } from "../testing.js";

/** Per-seat subscriptions: the item's quantity is the number of seats. */

async function subscribeSeats(stripe: Stripe, quantity: number) {
  const { customer } = await createCustomerWithCard(stripe);
  const price = await createRecurringPrice(stripe, { unitAmount: 1000 });
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id, quantity }],
  });
  const itemId = subscription.items.data[0]?.id ?? "";
  return { customer, price, subscription, itemId };
}

async function listProrations(stripe: Stripe, customer: string) {
  const items = await stripe.invoiceItems.list({ customer, limit: 100 });
  return items.data.filter((item) => item.proration);
}

describe("subscription quantity: happy path", () => {
  it("bills unit_amount × quantity on the first invoice", async () => {
    const { stripe } = createTestAccount();
    const { subscription } = await subscribeSeats(stripe, 3);
    expect(subscription.items.data[0]?.quantity).toBe(3);
    const invoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
    expect(invoice).toMatchObject({ status: "paid", amount_paid: 3000 });
    expect(invoice.lines.data[0]).toMatchObject({ amount: 3000, quantity: 3 });
  });

  it("subscriptions.update with create_prorations credits the old seats and charges the new", async () => {
    const { stripe } = createTestAccount();
    const { customer, subscription, itemId } = await subscribeSeats(stripe, 1);
    const mark = await latestEventId(stripe);
    const updated = await stripe.subscriptions.update(subscription.id, {
      items: [{ id: itemId, quantity: 3 }],
      proration_behavior: "create_prorations",
    });
    expect(updated.items.data[0]).toMatchObject({ id: itemId, quantity: 3 });
    const events = await listEvents(stripe, mark);
    const changed = events.filter((event) => event.type === "customer.subscription.updated");
    expect(changed).toHaveLength(1);
    const previous = changed[0]?.data.previous_attributes as Partial<Stripe.Subscription>;
    expect(previous.items?.data[0]).toMatchObject({ id: itemId, quantity: 1 });
    const lines = await listProrations(stripe, customer.id);
    // Changed at the start of the period: the full month of 1 seat back, 3 seats charged.
    expect(lines.map((line) => line.amount).sort((a, b) => a - b)).toEqual([-1000, 3000]);
    expect(lines.reduce((sum, line) => sum + line.amount, 0)).toBe(2000);
  });

  it("always_invoice bills the quantity delta at once", async () => {
    const { stripe } = createTestAccount();
    const { subscription, itemId } = await subscribeSeats(stripe, 2);
    const updated = await stripe.subscriptions.update(subscription.id, {
      items: [{ id: itemId, quantity: 5 }],
      proration_behavior: "always_invoice",
    });
    expect(updated.latest_invoice).not.toBe(subscription.latest_invoice);
    const invoice = await stripe.invoices.retrieve(updated.latest_invoice as string);
    expect(invoice).toMatchObject({
      billing_reason: "subscription_update",
      status: "paid",
      amount_paid: 3000,
    });
  });

  it("proration_behavior none changes the seats without proration items", async () => {
    const { stripe } = createTestAccount();
    const { customer, subscription, itemId } = await subscribeSeats(stripe, 4);
    await stripe.subscriptions.update(subscription.id, {
      items: [{ id: itemId, quantity: 2 }],
      proration_behavior: "none",
    });
    expect(await listProrations(stripe, customer.id)).toEqual([]);
    const retrieved = await stripe.subscriptions.retrieve(subscription.id);
    expect(retrieved.items.data[0]?.quantity).toBe(2);
  });

  it("subscriptionItems.update prorates and emits customer.subscription.updated", async () => {
    const { stripe } = createTestAccount();
    const { customer, itemId } = await subscribeSeats(stripe, 2);
    const mark = await latestEventId(stripe);
    const item = await stripe.subscriptionItems.update(itemId, {
      quantity: 1,
      proration_behavior: "create_prorations",
    });
    expect(item.quantity).toBe(1);
    const events = await listEvents(stripe, mark);
    expect(events.map((event) => event.type)).toContain("customer.subscription.updated");
    const lines = await listProrations(stripe, customer.id);
    expect(lines.reduce((sum, line) => sum + line.amount, 0)).toBe(-1000);
  });

  it("allows quantity 0 on a per-unit price, as Stripe does", async () => {
    const { stripe } = createTestAccount();
    const { subscription, itemId } = await subscribeSeats(stripe, 2);
    const updated = await stripe.subscriptions.update(subscription.id, {
      items: [{ id: itemId, quantity: 0 }],
      proration_behavior: "none",
    });
    expect(updated.items.data[0]?.quantity).toBe(0);
    const zero = await subscribeSeats(stripe, 0);
    const invoice = await stripe.invoices.retrieve(zero.subscription.latest_invoice as string);
    expect(invoice.amount_due).toBe(0);
  });
});

describe("subscription quantity: errors", () => {
  it("refuses a negative quantity with the param, changing nothing", async () => {
    const { stripe } = createTestAccount();
    const { subscription, itemId } = await subscribeSeats(stripe, 2);
    const error = await captureStripeError(
      stripe.subscriptions.update(subscription.id, { items: [{ id: itemId, quantity: -1 }] }),
    );
    expect(error).toMatchObject({
      statusCode: 400,
      type: "StripeInvalidRequestError",
      param: "items[0][quantity]",
    });
    const item = await captureStripeError(
      stripe.subscriptionItems.update(itemId, { quantity: -3 }),
    );
    expect(item).toMatchObject({ statusCode: 400, param: "quantity" });
    const retrieved = await stripe.subscriptions.retrieve(subscription.id);
    expect(retrieved.items.data[0]?.quantity).toBe(2);
  });

  it("refuses a non-integer quantity with the param", async () => {
    const { stripe } = createTestAccount();
    const { subscription, itemId } = await subscribeSeats(stripe, 2);
    const error = await captureStripeError(
      stripe.subscriptions.update(subscription.id, { items: [{ id: itemId, quantity: 1.5 }] }),
    );
    expect(error).toMatchObject({
      statusCode: 400,
      code: "parameter_invalid_integer",
      param: "items[0][quantity]",
    });
    const item = await captureStripeError(
      stripe.subscriptionItems.update(itemId, { quantity: 2.5 }),
    );
    expect(item).toMatchObject({ statusCode: 400, param: "quantity" });
  });
});
