import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMonthlyPrice } from "../../../test/emulator-process.js";
import { giveCustomer, signUp } from "../../../test/portico.js";
import { type SyncedPortico, startSyncedPortico } from "../../../test/sync.js";
import { expectedSubscriptionRow } from "../../../test/sync-expected.js";
import { billingSubscriptions, stripeEvents } from "../../db/schema.js";

const DAY = 86_400;

describe("customer.subscription.* from the emulator", () => {
  let t: SyncedPortico;
  let price: Stripe.Price;
  beforeAll(async () => {
    t = await startSyncedPortico();
    price = await createMonthlyPrice(t.stripe.test, "Pro", 2900);
  });
  afterAll(() => t.close());

  async function localRow(id: string) {
    const [row] = await t.portico.database.db
      .select()
      .from(billingSubscriptions)
      .where(eq(billingSubscriptions.stripeSubscriptionId, id));
    return row;
  }

  async function expectMirrored(id: string) {
    await t.flush();
    const remote = await t.stripe.test.subscriptions.retrieve(id);
    expect(await localRow(id)).toMatchObject(expectedSubscriptionRow(remote));
    return remote;
  }

  async function customerWithCard() {
    const user = await signUp(t);
    const customer = await giveCustomer(t, user.user.id);
    const card = await t.stripe.test.paymentMethods.attach("pm_card_visa", {
      customer: customer.id,
    });
    await t.stripe.test.customers.update(customer.id, {
      invoice_settings: { default_payment_method: card.id },
    });
    return { user, customer };
  }

  it("mirrors a subscription through its life: created, updated, paused, canceled", async () => {
    const { user, customer } = await customerWithCard();
    const created = await t.stripe.test.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id, quantity: 2 }],
    });
    await expectMirrored(created.id);
    expect((await localRow(created.id))?.userId).toBe(user.user.id);

    await t.stripe.test.subscriptions.update(created.id, { cancel_at_period_end: true });
    const ending = await expectMirrored(created.id);
    expect(ending.cancel_at_period_end).toBe(true);

    await t.stripe.test.subscriptions.update(created.id, {
      cancel_at_period_end: false,
      pause_collection: { behavior: "void" },
    });
    expect((await expectMirrored(created.id)).pause_collection?.behavior).toBe("void");

    await t.stripe.test.subscriptions.cancel(created.id);
    expect((await expectMirrored(created.id)).status).toBe("canceled");
  });

  it("follows a trial that pauses without a card and resumes", async () => {
    const user = await signUp(t);
    const customer = await giveCustomer(t, user.user.id);
    const trialing = await t.stripe.test.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 7,
      trial_settings: { end_behavior: { missing_payment_method: "pause" } },
    });
    expect((await expectMirrored(trialing.id)).status).toBe("trialing");

    await t.control("clock/advance", { seconds: 8 * DAY });
    expect((await expectMirrored(trialing.id)).status).toBe("paused");
    const types = await t.portico.database.db
      .select({ type: stripeEvents.type, status: stripeEvents.status })
      .from(stripeEvents);
    expect(types).toContainEqual({
      type: "customer.subscription.trial_will_end",
      status: "processed",
    });
    expect(types).toContainEqual({ type: "customer.subscription.paused", status: "processed" });

    const card = await t.stripe.test.paymentMethods.attach("pm_card_visa", {
      customer: customer.id,
    });
    await t.stripe.test.customers.update(customer.id, {
      invoice_settings: { default_payment_method: card.id },
    });
    await t.stripe.test.subscriptions.resume(trialing.id);
    expect((await expectMirrored(trialing.id)).status).toBe("active");
  });
});
