import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { createPortalSetup, openPortal, postPortalForm } from "../pages/portal/portal-testing.js";
import { createRecurringPrice, createTestAccount } from "../testing.js";
import {
  createCustomerWithCard,
  createTrialWithoutCard,
  latestEventId,
  listEventTypes,
} from "./billing-testing.js";

const DAY = 86_400;
const PAID_INVOICE = [
  "invoice.created",
  "invoice.finalized",
  "invoice.paid",
  "invoice.payment_succeeded",
];

async function trialWithCard(stripe: Stripe, token: string, trialDays = 14) {
  const price = await createRecurringPrice(stripe, { interval: "month", unitAmount: 900 });
  const { customer } = await createCustomerWithCard(stripe, token);
  return stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
    trial_period_days: trialDays,
  });
}

describe("ending a trial early (trial_end=now)", () => {
  it("invoices the new period and charges the default card", async () => {
    const { stripe } = createTestAccount();
    const subscription = await trialWithCard(stripe, "pm_card_visa");
    const mark = await latestEventId(stripe);
    const ended = await stripe.subscriptions.update(subscription.id, { trial_end: "now" });
    expect(await listEventTypes(stripe, mark)).toEqual([
      "customer.subscription.updated",
      ...PAID_INVOICE,
    ]);
    expect(ended.status).toBe("active");
    const invoice = await stripe.invoices.retrieve(ended.latest_invoice as string);
    expect(invoice).toMatchObject({
      status: "paid",
      amount_paid: 900,
      billing_reason: "subscription_update",
    });
    expect(invoice.id).not.toBe(subscription.latest_invoice);
    const item = ended.items.data[0];
    expect(item?.current_period_start).toBe(ended.trial_end);
    expect(invoice.lines.data[0]?.period).toEqual({
      start: item?.current_period_start,
      end: item?.current_period_end,
    });
  });

  it("leaves the subscription past_due when the card declines", async () => {
    const { stripe } = createTestAccount();
    const subscription = await trialWithCard(stripe, "pm_card_visa_chargeDeclined");
    const mark = await latestEventId(stripe);
    const ended = await stripe.subscriptions.update(subscription.id, { trial_end: "now" });
    expect(await listEventTypes(stripe, mark)).toEqual([
      "customer.subscription.updated",
      "invoice.created",
      "invoice.finalized",
      "invoice.payment_failed",
      "customer.subscription.updated",
    ]);
    expect(ended.status).toBe("past_due");
    const invoice = await stripe.invoices.retrieve(ended.latest_invoice as string);
    expect(invoice).toMatchObject({ status: "open", attempt_count: 1 });
  });

  it.each([
    ["cancel", "customer.subscription.deleted", "canceled"],
    ["pause", "customer.subscription.paused", "paused"],
  ] as const)(
    "with missing_payment_method=%s and no card: %s, no invoice",
    async (missing, type, status) => {
      const { stripe } = createTestAccount();
      const subscription = await createTrialWithoutCard(stripe, missing, 14);
      const mark = await latestEventId(stripe);
      const ended = await stripe.subscriptions.update(subscription.id, { trial_end: "now" });
      expect(await listEventTypes(stripe, mark)).toEqual(["customer.subscription.updated", type]);
      expect(ended.status).toBe(status);
      expect((await stripe.invoices.list({ subscription: subscription.id })).data).toHaveLength(1);
    },
  );

  it("invoices with missing_payment_method=create_invoice and no card", async () => {
    const { stripe } = createTestAccount();
    const subscription = await createTrialWithoutCard(stripe, "create_invoice", 14);
    const mark = await latestEventId(stripe);
    await stripe.subscriptions.update(subscription.id, { trial_end: "now" });
    expect(await listEventTypes(stripe, mark)).toContain("invoice.created");
    expect((await stripe.invoices.list({ subscription: subscription.id })).data).toHaveLength(2);
  });
});

describe("a plan change in the portal during a trial", () => {
  it("ends the trial and invoices the new plan", async () => {
    const account = createTestAccount();
    const { stripe } = account;
    const setup = await createPortalSetup(stripe);
    const trial = await stripe.subscriptions.create({
      customer: setup.customer.id,
      items: [{ price: setup.basic.id }],
      trial_period_days: 14,
    });
    const session = await openPortal(stripe, { ...setup, subscription: trial });
    const mark = await latestEventId(stripe);
    const response = await postPortalForm(session.url, `/subscriptions/${trial.id}/update`, {
      price: setup.pro.id,
    });
    expect(response.status).toBe(303);
    expect(await listEventTypes(stripe, mark)).toEqual([
      "customer.subscription.updated",
      ...PAID_INVOICE,
    ]);
    const after = await stripe.subscriptions.retrieve(trial.id);
    expect(after.status).toBe("active");
    const invoice = await stripe.invoices.retrieve(after.latest_invoice as string);
    expect(invoice).toMatchObject({ status: "paid", amount_paid: 2000 });
  });
});

describe("customer.subscription.trial_will_end", () => {
  it("is sent at creation when the trial ends within three days", async () => {
    const { stripe } = createTestAccount();
    const mark = await latestEventId(stripe);
    const subscription = await trialWithCard(stripe, "pm_card_visa", 2);
    const types = await listEventTypes(stripe, mark);
    expect(types.filter((type) => type === "customer.subscription.trial_will_end")).toHaveLength(1);
    expect(types.indexOf("customer.subscription.trial_will_end")).toBeGreaterThan(
      types.indexOf("customer.subscription.created"),
    );
    expect(subscription.status).toBe("trialing");
  });

  it("is sent at an update that moves the trial end within three days, and only once", async () => {
    const { stripe } = createTestAccount();
    const subscription = await trialWithCard(stripe, "pm_card_visa", 14);
    const mark = await latestEventId(stripe);
    const now = subscription.trial_start ?? 0;
    await stripe.subscriptions.update(subscription.id, { trial_end: now + 2 * DAY });
    expect(await listEventTypes(stripe, mark)).toEqual([
      "customer.subscription.updated",
      "customer.subscription.trial_will_end",
    ]);
    const again = await latestEventId(stripe);
    await stripe.subscriptions.update(subscription.id, { metadata: { note: "x" } });
    expect(await listEventTypes(stripe, again)).toEqual(["customer.subscription.updated"]);
  });

  it("is not sent at creation for a longer trial", async () => {
    const { stripe } = createTestAccount();
    const mark = await latestEventId(stripe);
    await trialWithCard(stripe, "pm_card_visa", 7);
    expect(await listEventTypes(stripe, mark)).not.toContain(
      "customer.subscription.trial_will_end",
    );
  });
});
