import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { createRecurringPrice, createTestAccount, type TestAccount } from "../testing.js";
import {
  createCustomerWithCard,
  createTrialWithoutCard,
  latestEventId,
  listEvents,
  listEventTypes,
} from "./billing-testing.js";

const DAY = 86_400;

async function advance(account: TestAccount, seconds: number) {
  const response = await account.request("POST", "/_emulator/clock/advance", `seconds=${seconds}`);
  expect(response.status).toBe(200);
}

async function setDefaultCard(stripe: Stripe, customer: string, token: string) {
  const card = await stripe.paymentMethods.attach(token, { customer });
  await stripe.customers.update(customer, {
    invoice_settings: { default_payment_method: card.id },
  });
}

describe("trial end without a payment method", () => {
  it("pauses, then resumes with a new period billed to the default card", async () => {
    const account = createTestAccount();
    const { stripe } = account;
    const subscription = await createTrialWithoutCard(account.stripe, "pause");
    expect(subscription.trial_settings?.end_behavior.missing_payment_method).toBe("pause");
    const before = await latestEventId(stripe);
    await advance(account, 8 * DAY);
    const events = await listEvents(stripe, before);
    expect(events.map((e) => e.type)).toEqual([
      "customer.subscription.trial_will_end",
      "customer.subscription.paused",
      "customer.subscription.updated",
    ]);
    expect(events[2]?.data.previous_attributes).toMatchObject({ status: "trialing" });
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("paused");
    await advance(account, 40 * DAY);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("paused");

    await setDefaultCard(stripe, subscription.customer as string, "pm_card_visa");
    const mark = await latestEventId(stripe);
    const resumed = await stripe.subscriptions.resume(subscription.id, {
      billing_cycle_anchor: { type: "now" },
    });
    expect(await listEventTypes(stripe, mark)).toEqual([
      "customer.subscription.resumed",
      "customer.subscription.updated",
      "invoice.created",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
    ]);
    expect(resumed.status).toBe("active");
    expect(resumed.items.data[0]?.current_period_start).toBe(resumed.billing_cycle_anchor);
    const invoice = await stripe.invoices.retrieve(resumed.latest_invoice as string);
    expect(invoice).toMatchObject({ status: "paid", amount_paid: 900 });

    await expect(stripe.subscriptions.resume(subscription.id)).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      statusCode: 400,
    });
  });

  it("cancels with missing_payment_method=cancel", async () => {
    const account = createTestAccount();
    const { stripe } = account;
    const subscription = await createTrialWithoutCard(account.stripe, "cancel");
    const before = await latestEventId(stripe);
    await advance(account, 8 * DAY);
    expect(await listEventTypes(stripe, before)).toEqual([
      "customer.subscription.trial_will_end",
      "customer.subscription.deleted",
    ]);
    const ended = await stripe.subscriptions.retrieve(subscription.id);
    expect(ended).toMatchObject({ status: "canceled", ended_at: subscription.trial_end });
  });

  it("still pauses nothing when the customer has a card", async () => {
    const account = createTestAccount();
    const { stripe } = account;
    const subscription = await createTrialWithoutCard(account.stripe, "pause");
    await setDefaultCard(stripe, subscription.customer as string, "pm_card_visa");
    await advance(account, 8 * DAY);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("active");
  });
});

describe("dunning after a failed renewal", () => {
  async function pastDue(account: TestAccount) {
    const { stripe } = account;
    const price = await createRecurringPrice(stripe, { interval: "month", unitAmount: 900 });
    const { customer } = await createCustomerWithCard(stripe, "pm_card_visa");
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    await setDefaultCard(stripe, customer.id, "pm_card_visa_chargeDeclined");
    const renewal = subscription.items.data[0]?.current_period_end ?? 0;
    await advance(account, renewal - subscription.created + 60);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("past_due");
    return { subscription, customer, renewal };
  }

  it("retries 3, 5 and 7 days apart, then marks the subscription unpaid", async () => {
    const account = createTestAccount();
    const { stripe } = account;
    const { subscription, renewal } = await pastDue(account);
    const [open] = (await stripe.invoices.list({ subscription: subscription.id, status: "open" }))
      .data;
    expect(open?.next_payment_attempt).toBe(renewal + 3 * DAY);
    const before = await latestEventId(stripe);
    await advance(account, 16 * DAY);
    const events = await listEvents(stripe, before);
    expect(events.map((e) => e.type)).toEqual([
      "invoice.payment_failed",
      "invoice.payment_failed",
      "invoice.payment_failed",
      "customer.subscription.updated",
    ]);
    expect(events.slice(0, 3).map((e) => e.created)).toEqual([
      renewal + 3 * DAY,
      renewal + 8 * DAY,
      renewal + 15 * DAY,
    ]);
    expect(events[3]?.data.previous_attributes).toMatchObject({ status: "past_due" });
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("unpaid");
    const invoice = await stripe.invoices.retrieve(open?.id ?? "");
    expect(invoice).toMatchObject({ status: "open", attempt_count: 4, next_payment_attempt: null });
  });

  it("recovers to active when a retry succeeds with a new default card", async () => {
    const account = createTestAccount();
    const { stripe } = account;
    const { subscription, customer } = await pastDue(account);
    await setDefaultCard(stripe, customer.id, "pm_card_visa");
    const before = await latestEventId(stripe);
    await advance(account, 3 * DAY);
    const events = await listEvents(stripe, before);
    expect(events.map((e) => e.type)).toEqual([
      "invoice.paid",
      "invoice.payment_succeeded",
      "customer.subscription.updated",
    ]);
    expect(events[2]?.data.previous_attributes).toMatchObject({ status: "past_due" });
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("active");
  });
});
