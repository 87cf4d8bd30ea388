import { describe, expect, it } from "vitest";
import {
  captureStripeError,
  createRecurringPrice,
  createTestAccount,
  subscribeNewCustomer,
} from "../testing.js";

describe("invoices.createPreview", () => {
  it("previews the renewal invoice of a subscription, saving nothing", async () => {
    const { stripe } = createTestAccount();
    const price = await createRecurringPrice(stripe, { unitAmount: 1500 });
    const subscription = await subscribeNewCustomer(stripe, price.id);
    const item = subscription.items.data[0];
    const preview = await stripe.invoices.createPreview({ subscription: subscription.id });
    expect(preview).toMatchObject({
      object: "invoice",
      customer: subscription.customer,
      status: "draft",
      amount_due: 1500,
      billing_reason: "upcoming",
    });
    expect(preview.id).toMatch(/^upcoming_in_/);
    expect(preview.lines.data[0]?.period.start).toBe(item?.current_period_end);
    const invoices = await stripe.invoices.list({ subscription: subscription.id });
    expect(invoices.data).toHaveLength(1);
  });

  it("previews a plan change with its prorations", async () => {
    const { stripe } = createTestAccount();
    const basic = await createRecurringPrice(stripe, { unitAmount: 1000 });
    const pro = await createRecurringPrice(stripe, { unitAmount: 3000 });
    const subscription = await subscribeNewCustomer(stripe, basic.id);
    const item = subscription.items.data[0]?.id as string;
    const items = [{ id: item, price: pro.id }];

    const later = await stripe.invoices.createPreview({
      customer: subscription.customer as string,
      subscription: subscription.id,
      subscription_details: { items, proration_behavior: "create_prorations" },
    });
    const prorations = later.lines.data.filter(
      (line) => line.parent?.subscription_item_details?.proration,
    );
    expect(prorations).toHaveLength(2);
    expect(later.lines.data.at(-1)?.amount).toBe(3000);

    const now = await stripe.invoices.createPreview({
      subscription: subscription.id,
      subscription_details: { items, proration_behavior: "always_invoice" },
    });
    expect(now.billing_reason).toBe("subscription_update");
    expect(now.lines.data).toHaveLength(2);
    // A whole period just started: the credit and the charge are the full prices.
    expect(now.amount_due).toBe(2000);
    expect((await stripe.subscriptions.retrieve(subscription.id)).items.data[0]?.price.id).toBe(
      basic.id,
    );
  });

  it("previews a new subscription's first invoice for a customer", async () => {
    const { stripe } = createTestAccount();
    const price = await createRecurringPrice(stripe, { unitAmount: 900 });
    const customer = await stripe.customers.create({});
    const preview = await stripe.invoices.createPreview({
      customer: customer.id,
      subscription_details: { items: [{ price: price.id, quantity: 2 }] },
    });
    expect(preview).toMatchObject({ amount_due: 1800, billing_reason: "subscription_create" });
  });

  it("answers Stripe's errors for nothing to invoice and a missing customer", async () => {
    const { stripe } = createTestAccount();
    const customer = await stripe.customers.create({});
    const none = await captureStripeError(stripe.invoices.createPreview({ customer: customer.id }));
    expect(none).toMatchObject({ statusCode: 400, code: "invoice_upcoming_none" });
    const missing = await captureStripeError(
      stripe.invoices.createPreview({ customer: "cus_missing" }),
    );
    expect(missing).toMatchObject({ statusCode: 400, code: "resource_missing", param: "customer" });
  });
});

describe("invoices.createPreview on a test clock", () => {
  it("prorates from the customer's clock time, as subscription_items.update bills", async () => {
    const { stripe } = createTestAccount();
    const basic = await createRecurringPrice(stripe, { unitAmount: 1000 });
    const pro = await createRecurringPrice(stripe, { unitAmount: 3000 });
    const start = Math.floor(Date.UTC(2031, 0, 1) / 1000);
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
    const customer = await stripe.customers.create({ test_clock: clock.id });
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: basic.id }],
    });
    const item = subscription.items.data[0]?.id as string;
    // Half of January's 31 days have gone by.
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: start + 15.5 * 86_400 });
    const preview = await stripe.invoices.createPreview({
      subscription: subscription.id,
      subscription_details: {
        items: [{ id: item, price: pro.id }],
        proration_behavior: "always_invoice",
      },
    });
    expect(preview.amount_due).toBe(1000);
    const updated = await stripe.subscriptionItems.update(item, {
      price: pro.id,
      proration_behavior: "always_invoice",
    });
    expect(updated.price.id).toBe(pro.id);
    const invoice = await stripe.invoices.retrieve(
      (await stripe.subscriptions.retrieve(subscription.id)).latest_invoice as string,
    );
    expect(invoice.amount_paid).toBe(1000);
  });
});
