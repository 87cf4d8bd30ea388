import { describe, expect, it } from "vitest";
import { latestEventId, listEventTypes } from "../billing/billing-testing.js";
import {
  captureStripeError,
  createRecurringPrice,
  createTestAccount,
  subscribeNewCustomer,
} from "../testing.js";

const DAY = 86_400;

describe("invoice items", () => {
  it("creates, retrieves, lists, updates and deletes a pending item with its events", async () => {
    const { stripe } = createTestAccount();
    const customer = await stripe.customers.create({});
    const item = await stripe.invoiceItems.create({
      customer: customer.id,
      amount: 2000,
      currency: "usd",
      description: "Setup fee",
      metadata: { order: "1" },
    });
    expect(item).toMatchObject({
      object: "invoiceitem",
      amount: 2000,
      customer: customer.id,
      invoice: null,
      proration: false,
      quantity: 1,
    });
    expect(await stripe.invoiceItems.retrieve(item.id)).toMatchObject({ id: item.id });
    const pending = await stripe.invoiceItems.list({ customer: customer.id, pending: true });
    expect(pending.data.map((entry) => entry.id)).toEqual([item.id]);

    const updated = await stripe.invoiceItems.update(item.id, { amount: 2500 });
    expect(updated.amount).toBe(2500);
    const deleted = await stripe.invoiceItems.del(item.id);
    expect(deleted).toEqual({ id: item.id, object: "invoiceitem", deleted: true });
    expect((await captureStripeError(stripe.invoiceItems.retrieve(item.id))).statusCode).toBe(404);
    expect(await listEventTypes(stripe)).toEqual([
      "customer.created",
      "invoiceitem.created",
      "invoiceitem.deleted",
    ]);
  });

  it("prices an item from a price and quantity", async () => {
    const { stripe } = createTestAccount();
    const price = await stripe.prices.create({
      currency: "usd",
      unit_amount: 300,
      product_data: { name: "Seat" },
    });
    const customer = await stripe.customers.create({});
    const item = await stripe.invoiceItems.create({
      customer: customer.id,
      pricing: { price: price.id },
      quantity: 3,
    });
    expect(item).toMatchObject({
      amount: 900,
      currency: "usd",
      pricing: { price_details: { price: price.id } },
    });
  });

  it("turns a plan change's prorations into retrievable items the renewal invoice takes", async () => {
    const account = createTestAccount();
    const { stripe } = account;
    const basic = await createRecurringPrice(stripe, { unitAmount: 1000 });
    const pro = await createRecurringPrice(stripe, { unitAmount: 3000 });
    const subscription = await subscribeNewCustomer(stripe, basic.id);
    const mark = await latestEventId(stripe);
    await stripe.subscriptions.update(subscription.id, {
      items: [{ id: subscription.items.data[0]?.id as string, price: pro.id }],
      proration_behavior: "create_prorations",
    });
    expect(await listEventTypes(stripe, mark)).toEqual([
      "customer.subscription.updated",
      "invoiceitem.created",
      "invoiceitem.created",
    ]);
    const pending = await stripe.invoiceItems.list({
      customer: subscription.customer as string,
      pending: true,
    });
    expect(pending.data).toHaveLength(2);
    expect(pending.data.every((item) => item.proration)).toBe(true);

    await account.request("POST", "/_emulator/clock/advance", `seconds=${32 * DAY}`);
    const renewal = (await stripe.invoices.list({ subscription: subscription.id })).data[0];
    const lineItems = renewal?.lines.data.map(
      (line) => line.parent?.subscription_item_details?.invoice_item,
    );
    for (const item of pending.data) {
      expect(lineItems).toContain(item.id);
      expect((await stripe.invoiceItems.retrieve(item.id)).invoice).toBe(renewal?.id);
    }
    const error = await captureStripeError(stripe.invoiceItems.del(pending.data[0]?.id as string));
    expect(error.statusCode).toBe(400);
  });

  it("makes always_invoice prorations retrievable too", async () => {
    const { stripe } = createTestAccount();
    const basic = await createRecurringPrice(stripe, { unitAmount: 1000 });
    const pro = await createRecurringPrice(stripe, { unitAmount: 3000 });
    const subscription = await subscribeNewCustomer(stripe, basic.id);
    const updated = await stripe.subscriptions.update(subscription.id, {
      items: [{ id: subscription.items.data[0]?.id as string, price: pro.id }],
      proration_behavior: "always_invoice",
    });
    const invoice = await stripe.invoices.retrieve(updated.latest_invoice as string);
    for (const line of invoice.lines.data) {
      const id = line.parent?.subscription_item_details?.invoice_item as string;
      expect(await stripe.invoiceItems.retrieve(id)).toMatchObject({ invoice: invoice.id });
    }
  });
});
