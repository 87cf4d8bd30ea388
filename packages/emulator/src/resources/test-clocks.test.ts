import { describe, expect, it } from "vitest";
import { latestEventId, listEventTypes } from "../billing/billing-testing.js";
import { captureStripeError, createRecurringPrice, createTestAccount } from "../testing.js";

const DAY = 86_400;
const FROZEN = 1_893_456_000; // 2030-01-01

describe("test clocks", () => {
  it("creates, retrieves, lists and deletes a clock", async () => {
    const { stripe } = createTestAccount();
    const mark = await latestEventId(stripe);
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: FROZEN, name: "t" });
    expect(clock).toMatchObject({
      object: "test_helpers.test_clock",
      frozen_time: FROZEN,
      name: "t",
      status: "ready",
    });
    expect(clock.deletes_after - clock.created).toBe(30 * DAY);
    expect(await stripe.testHelpers.testClocks.retrieve(clock.id)).toEqual(clock);
    const list = await stripe.testHelpers.testClocks.list();
    expect(list.data.map((c) => c.id)).toEqual([clock.id]);
    const deleted = await stripe.testHelpers.testClocks.del(clock.id);
    expect(deleted).toMatchObject({ id: clock.id, deleted: true });
    const missing = await captureStripeError(stripe.testHelpers.testClocks.retrieve(clock.id));
    expect(missing.statusCode).toBe(404);
    expect(await listEventTypes(stripe, mark)).toEqual([
      "test_helpers.test_clock.created",
      "test_helpers.test_clock.deleted",
    ]);
  });

  it("renews a clock customer's subscription when the clock advances, and no other", async () => {
    const account = createTestAccount();
    const { stripe } = account;
    const price = await createRecurringPrice(stripe, { interval: "month", unitAmount: 900 });
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: FROZEN });
    const customer = await stripe.customers.create({
      test_clock: clock.id,
      payment_method: "pm_card_visa",
      invoice_settings: { default_payment_method: "pm_card_visa" },
    });
    expect(customer).toMatchObject({ test_clock: clock.id, created: FROZEN });
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    expect(subscription).toMatchObject({ test_clock: clock.id, created: FROZEN, status: "active" });
    const other = await stripe.subscriptions.create({
      customer: (await stripe.customers.create({})).id,
      items: [{ price: price.id }],
    });

    const mark = await latestEventId(stripe);
    const advancing = await stripe.testHelpers.testClocks.advance(clock.id, {
      frozen_time: FROZEN + 35 * DAY,
    });
    expect(advancing).toMatchObject({
      status: "advancing",
      status_details: { advancing: { target_frozen_time: FROZEN + 35 * DAY } },
    });
    const ready = await stripe.testHelpers.testClocks.retrieve(clock.id);
    expect(ready).toMatchObject({ status: "ready", frozen_time: FROZEN + 35 * DAY });
    const types = await listEventTypes(stripe, mark);
    expect(types[0]).toBe("test_helpers.test_clock.advancing");
    expect(types.at(-1)).toBe("test_helpers.test_clock.ready");
    expect(types).toContain("invoice.paid");

    const invoices = await stripe.invoices.list({ subscription: subscription.id });
    expect(invoices.data.map((invoice) => invoice.billing_reason)).toEqual([
      "subscription_cycle",
      "subscription_create",
    ]);
    expect(invoices.data[0]?.created).toBe(subscription.items.data[0]?.current_period_end);
    const untouched = await stripe.invoices.list({ subscription: other.id });
    expect(untouched.data).toHaveLength(1);
    const clockCustomers = await stripe.customers.list({ test_clock: clock.id });
    expect(clockCustomers.data.map((c) => c.id)).toEqual([customer.id]);
  });

  it("refuses to move a clock backwards", async () => {
    const { stripe } = createTestAccount();
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: FROZEN });
    const error = await captureStripeError(
      stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: FROZEN - 1 }),
    );
    expect(error).toMatchObject({ statusCode: 400, param: "frozen_time" });
  });
});
