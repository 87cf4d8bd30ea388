import { describe, expect, it } from "vitest";
import { listEventTypes } from "../billing/billing-testing.js";
import { captureStripeError, createTestAccount } from "../testing.js";

describe("payment intents", () => {
  it("creates and confirms with a test token, saving the card when asked", async () => {
    const { stripe } = createTestAccount();
    const customer = await stripe.customers.create({});
    const intent = await stripe.paymentIntents.create({
      amount: 2500,
      currency: "usd",
      customer: customer.id,
      setup_future_usage: "off_session",
    });
    expect(intent).toMatchObject({
      object: "payment_intent",
      status: "requires_payment_method",
      amount: 2500,
      amount_received: 0,
    });
    const confirmed = await stripe.paymentIntents.confirm(intent.id, {
      payment_method: "pm_card_visa",
    });
    expect(confirmed).toMatchObject({ status: "succeeded", amount_received: 2500 });
    const card = await stripe.paymentMethods.retrieve(confirmed.payment_method as string);
    expect(card.customer).toBe(customer.id);
    expect(await listEventTypes(stripe)).toEqual([
      "customer.created",
      "payment_intent.created",
      "payment_method.attached",
      "payment_intent.succeeded",
    ]);
    const list = await stripe.paymentIntents.list({ customer: customer.id });
    expect(list.data.map((entry) => entry.id)).toEqual([intent.id]);
  });

  it("declines a declining card with a 402 and payment_intent.payment_failed", async () => {
    const { stripe } = createTestAccount();
    const error = await captureStripeError(
      stripe.paymentIntents.create({
        amount: 500,
        currency: "usd",
        payment_method: "pm_card_chargeDeclinedInsufficientFunds",
        confirm: true,
      }),
    );
    expect(error).toMatchObject({ statusCode: 402, decline_code: "insufficient_funds" });
    const [intent] = (await stripe.paymentIntents.list()).data;
    expect(intent).toMatchObject({
      status: "requires_payment_method",
      last_payment_error: { decline_code: "insufficient_funds" },
    });
    expect(await listEventTypes(stripe)).toEqual([
      "payment_intent.created",
      "payment_intent.payment_failed",
    ]);
  });

  it("cancels an open intent", async () => {
    const { stripe } = createTestAccount();
    const intent = await stripe.paymentIntents.create({ amount: 100, currency: "usd" });
    const canceled = await stripe.paymentIntents.cancel(intent.id);
    expect(canceled.status).toBe("canceled");
    const again = await captureStripeError(stripe.paymentIntents.cancel(intent.id));
    expect(again).toMatchObject({ statusCode: 400, code: "payment_intent_unexpected_state" });
  });
});
