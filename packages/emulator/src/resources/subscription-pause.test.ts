import { describe, expect, it } from "vitest";
import { latestEventId, listEventTypes } from "../billing/billing-testing.js";
import {
  captureStripeError,
  createRecurringPrice,
  createTestAccount,
  subscribeNewCustomer,
} from "../testing.js";

describe("subscriptions.pause", () => {
  it("pauses an active subscription, crediting unused time as a pending item", async () => {
    const { stripe } = createTestAccount();
    const price = await createRecurringPrice(stripe, { unitAmount: 3000 });
    const subscription = await subscribeNewCustomer(stripe, price.id);
    const mark = await latestEventId(stripe);
    const paused = await stripe.subscriptions.pause(subscription.id);
    expect(paused).toMatchObject({
      status: "paused",
      status_details: {
        paused: { type: "subscription", subscription: { type: "pause_requested" } },
      },
    });
    expect(await listEventTypes(stripe, mark)).toEqual([
      "customer.subscription.paused",
      "customer.subscription.updated",
      "invoiceitem.created",
    ]);
    const [credit] = (
      await stripe.invoiceItems.list({ customer: subscription.customer as string, pending: true })
    ).data;
    expect(credit).toMatchObject({ proration: true });
    expect(credit?.amount).toBeLessThan(0);

    const resumed = await stripe.subscriptions.resume(subscription.id);
    expect(resumed.status).toBe("active");
    const invoice = await stripe.invoices.retrieve(resumed.latest_invoice as string);
    const itemIds = invoice.lines.data.map(
      (line) => line.parent?.subscription_item_details?.invoice_item,
    );
    expect(itemIds).toContain(credit?.id);
    expect(invoice.amount_due).toBe(3000 + (credit?.amount ?? 0));
  });

  it("invoices the credit at once with invoicing_behavior=invoice, staying paused", async () => {
    const { stripe } = createTestAccount();
    const price = await createRecurringPrice(stripe);
    const subscription = await subscribeNewCustomer(stripe, price.id);
    const paused = await stripe.subscriptions.pause(subscription.id, {
      invoicing_behavior: "invoice",
    });
    expect(paused.status).toBe("paused");
    expect(paused.latest_invoice).not.toBe(subscription.latest_invoice);
    const invoice = await stripe.invoices.retrieve(paused.latest_invoice as string);
    expect(invoice).toMatchObject({ billing_reason: "subscription_update", amount_due: 0 });
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("paused");
  });

  it("credits nothing with unused_time_from none, and refuses a canceled subscription", async () => {
    const { stripe } = createTestAccount();
    const price = await createRecurringPrice(stripe);
    const subscription = await subscribeNewCustomer(stripe, price.id);
    await stripe.subscriptions.pause(subscription.id, {
      bill_for: { unused_time_from: { type: "none" } },
    });
    const pending = await stripe.invoiceItems.list({
      customer: subscription.customer as string,
      pending: true,
    });
    expect(pending.data).toEqual([]);

    const other = await subscribeNewCustomer(stripe, price.id);
    await stripe.subscriptions.cancel(other.id);
    const error = await captureStripeError(stripe.subscriptions.pause(other.id));
    expect(error.statusCode).toBe(400);
  });
});
