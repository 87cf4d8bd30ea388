import { describe, expect, it } from "vitest";
import { latestEventId, listEvents } from "../billing/billing-testing.js";
import {
  captureStripeError,
  createRecurringPrice,
  createTestAccount,
  subscribeNewCustomer,
} from "../testing.js";

describe("subscription items", () => {
  it("lists and retrieves a subscription's items", async () => {
    const { stripe } = createTestAccount();
    const price = await createRecurringPrice(stripe);
    const subscription = await subscribeNewCustomer(stripe, price.id);
    const item = subscription.items.data[0];
    const list = await stripe.subscriptionItems.list({ subscription: subscription.id });
    expect(list).toMatchObject({
      object: "list",
      url: `/v1/subscription_items?subscription=${subscription.id}`,
      has_more: false,
    });
    expect(list.data.map((entry) => entry.id)).toEqual([item?.id]);
    expect(await stripe.subscriptionItems.retrieve(item?.id as string)).toMatchObject({
      id: item?.id,
      object: "subscription_item",
      subscription: subscription.id,
      price: { id: price.id },
    });
    const missing = await captureStripeError(stripe.subscriptionItems.retrieve("si_missing"));
    expect(missing).toMatchObject({ statusCode: 404, code: "resource_missing" });
  });

  it("updates the quantity through the subscription, with customer.subscription.updated", async () => {
    const { stripe } = createTestAccount();
    const price = await createRecurringPrice(stripe);
    const subscription = await subscribeNewCustomer(stripe, price.id);
    const id = subscription.items.data[0]?.id as string;
    const mark = await latestEventId(stripe);
    const updated = await stripe.subscriptionItems.update(id, {
      quantity: 4,
      proration_behavior: "none",
    });
    expect(updated).toMatchObject({ id, quantity: 4 });
    const events = await listEvents(stripe, mark);
    expect(events.map((event) => event.type)).toEqual(["customer.subscription.updated"]);
    expect(events[0]?.data.previous_attributes).toHaveProperty("items");
    const retrieved = await stripe.subscriptions.retrieve(subscription.id);
    expect(retrieved.items.data[0]?.quantity).toBe(4);
  });

  it("adds and deletes an item", async () => {
    const { stripe } = createTestAccount();
    const base = await createRecurringPrice(stripe);
    const addon = await createRecurringPrice(stripe, { unitAmount: 200 });
    const subscription = await subscribeNewCustomer(stripe, base.id);
    const added = await stripe.subscriptionItems.create({
      subscription: subscription.id,
      price: addon.id,
      quantity: 2,
      proration_behavior: "none",
    });
    expect(added).toMatchObject({ object: "subscription_item", quantity: 2 });
    expect((await stripe.subscriptions.retrieve(subscription.id)).items.data).toHaveLength(2);

    const deleted = await stripe.subscriptionItems.del(added.id, { proration_behavior: "none" });
    expect(deleted).toEqual({ id: added.id, object: "subscription_item", deleted: true });
    expect((await stripe.subscriptions.retrieve(subscription.id)).items.data).toHaveLength(1);
  });

  it("names the price parameter when it does not exist", async () => {
    const { stripe } = createTestAccount();
    const price = await createRecurringPrice(stripe);
    const subscription = await subscribeNewCustomer(stripe, price.id);
    const error = await captureStripeError(
      stripe.subscriptionItems.create({ subscription: subscription.id, price: "price_missing" }),
    );
    expect(error).toMatchObject({ statusCode: 400, code: "resource_missing", param: "price" });
  });
});
