import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { createRecurringPrice, createTestAccount, type TestAccount } from "../testing.js";
import {
  createCustomerWithCard,
  latestEventId,
  listEvents,
  listEventTypes,
} from "./billing-testing.js";

const DAY = 86_400;

async function advance(account: TestAccount, params: string) {
  const response = await account.request("POST", "/_emulator/clock/advance", params);
  expect(response.status).toBe(200);
  return (await response.json()) as { now: number };
}

async function subscribe(
  account: TestAccount,
  token: string,
  params: Partial<Stripe.SubscriptionCreateParams> = {},
) {
  const { stripe } = account;
  const price = await createRecurringPrice(stripe, { interval: "month", unitAmount: 900 });
  const { customer } = await createCustomerWithCard(stripe, token);
  return stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
    ...params,
  });
}

describe("clock-driven lifecycle", () => {
  it("renews each period with a paid subscription_cycle invoice", async () => {
    const account = createTestAccount();
    const { stripe } = account;
    const subscription = await subscribe(account, "pm_card_visa");
    const firstEnd = subscription.items.data[0]?.current_period_end ?? 0;
    const before = await latestEventId(stripe);
    await advance(account, `to=${firstEnd + 40 * DAY}`);
    const events = await listEvents(stripe, before);
    const renewal = [
      "customer.subscription.updated",
      "invoice.created",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
    ];
    expect(events.map((e) => e.type)).toEqual([...renewal, ...renewal]);
    expect(events[0]?.data.previous_attributes).toHaveProperty("items");
    expect(events[0]?.request).toEqual({ id: null, idempotency_key: null });
    expect(events[0]?.created).toBe(firstEnd);
    const renewed = await stripe.subscriptions.retrieve(subscription.id);
    expect(renewed.status).toBe("active");
    expect(renewed.items.data[0]?.current_period_start).toBeGreaterThan(firstEnd);
    const cycles = await stripe.invoices.list({ subscription: subscription.id });
    expect(cycles.data.map((i) => [i.billing_reason, i.status])).toEqual([
      ["subscription_cycle", "paid"],
      ["subscription_cycle", "paid"],
      ["subscription_create", "paid"],
    ]);
    expect(cycles.data[1]?.period_start).toBe(firstEnd);
  });

  it("ends an at-period-end cancellation when the period is over", async () => {
    const account = createTestAccount();
    const { stripe } = account;
    const subscription = await subscribe(account, "pm_card_visa");
    const mark = await latestEventId(stripe);
    const scheduled = await stripe.subscriptions.update(subscription.id, {
      cancel_at_period_end: true,
    });
    const [update] = await listEvents(stripe, mark);
    expect(update?.type).toBe("customer.subscription.updated");
    expect(update?.data.previous_attributes).toMatchObject({
      cancel_at_period_end: false,
      cancel_at: null,
    });
    const before = await latestEventId(stripe);
    await advance(account, `seconds=${40 * DAY}`);
    expect(await listEventTypes(stripe, before)).toEqual(["customer.subscription.deleted"]);
    const ended = await stripe.subscriptions.retrieve(subscription.id);
    expect(ended).toMatchObject({ status: "canceled", ended_at: scheduled.cancel_at });
  });

  it("goes past_due when the default card declines at renewal", async () => {
    const account = createTestAccount();
    const { stripe } = account;
    const subscription = await subscribe(account, "pm_card_visa");
    const customer = subscription.customer as string;
    const declining = await stripe.paymentMethods.attach("pm_card_visa_chargeDeclined", {
      customer,
    });
    await stripe.customers.update(customer, {
      invoice_settings: { default_payment_method: declining.id },
    });
    const before = await latestEventId(stripe);
    await advance(account, `seconds=${32 * DAY}`);
    const events = await listEvents(stripe, before);
    expect(events.map((e) => e.type)).toEqual([
      "customer.subscription.updated",
      "invoice.created",
      "invoice.finalized",
      "invoice.payment_failed",
      "customer.subscription.updated",
    ]);
    expect(events[4]?.data.previous_attributes).toMatchObject({ status: "active" });
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("past_due");
    const [open] = (await stripe.invoices.list({ subscription: subscription.id, status: "open" }))
      .data;
    expect(open?.next_payment_attempt).not.toBeNull();
  });

  it("warns three days before a trial ends, then starts billing", async () => {
    const account = createTestAccount();
    const { stripe } = account;
    const subscription = await subscribe(account, "pm_card_visa", { trial_period_days: 7 });
    const before = await latestEventId(stripe);
    await advance(account, `seconds=${5 * DAY}`);
    expect(await listEventTypes(stripe, before)).toEqual(["customer.subscription.trial_will_end"]);
    await advance(account, `seconds=${3 * DAY}`);
    const trialEnded = await stripe.subscriptions.retrieve(subscription.id);
    expect(trialEnded.status).toBe("active");
    const [latest] = (await stripe.invoices.list({ subscription: subscription.id })).data;
    expect(latest).toMatchObject({ billing_reason: "subscription_cycle", amount_paid: 900 });
  });

  it("refuses to move the clock backwards", async () => {
    const account = createTestAccount();
    const response = await account.request("POST", "/_emulator/clock/advance", "to=1");
    expect(response.status).toBe(400);
  });
});

describe("plan changes with prorations", () => {
  async function setup(account: TestAccount) {
    const { stripe } = account;
    const subscription = await subscribe(account, "pm_card_visa");
    const product = await stripe.products.create({ name: "Bigger" });
    const bigger = await createRecurringPrice(stripe, { product: product.id, unitAmount: 3000 });
    const item = subscription.items.data[0]?.id ?? "";
    return { subscription, bigger, item };
  }

  it("invoices prorations at once with always_invoice", async () => {
    const account = createTestAccount();
    const { stripe } = account;
    const { subscription, bigger, item } = await setup(account);
    await advance(account, `seconds=${10 * DAY}`);
    const before = await latestEventId(stripe);
    const updated = await stripe.subscriptions.update(subscription.id, {
      items: [{ id: item, price: bigger.id }],
      proration_behavior: "always_invoice",
    });
    const events = await listEvents(stripe, before);
    expect(events.map((e) => e.type)).toEqual([
      "customer.subscription.updated",
      // Each proration line is an invoice item of its own, as in Stripe.
      "invoiceitem.created",
      "invoiceitem.created",
      "invoice.created",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
    ]);
    expect(events[0]?.data.previous_attributes).toHaveProperty("latest_invoice");
    const invoice = await stripe.invoices.retrieve(updated.latest_invoice as string);
    expect(invoice.billing_reason).toBe("subscription_update");
    const [credit, charge] = invoice.lines.data;
    expect(credit?.amount).toBeLessThan(0);
    expect(credit?.description).toMatch(/^Unused time on 1 × Plan after /);
    expect(charge?.description).toMatch(/^Remaining time on 1 × Bigger after /);
    expect(credit?.parent?.subscription_item_details?.proration).toBe(true);
    expect(invoice.amount_paid).toBe((credit?.amount ?? 0) + (charge?.amount ?? 0));
  });

  it("keeps create_prorations for the next renewal invoice", async () => {
    const account = createTestAccount();
    const { stripe } = account;
    const { subscription, item } = await setup(account);
    const before = await latestEventId(stripe);
    await stripe.subscriptions.update(subscription.id, { items: [{ id: item, quantity: 3 }] });
    expect(await listEventTypes(stripe, before)).toEqual([
      "customer.subscription.updated",
      "invoiceitem.created",
      "invoiceitem.created",
    ]);
    await advance(account, `seconds=${32 * DAY}`);
    const [renewal] = (await stripe.invoices.list({ subscription: subscription.id })).data;
    expect(renewal?.billing_reason).toBe("subscription_cycle");
    expect(
      renewal?.lines.data.map((line) => line.parent?.subscription_item_details?.proration),
    ).toEqual([true, true, false]);
  });
});
