import { describe, expect, it } from "vitest";
import { listEventTypes } from "../billing/billing-testing.js";
import { captureStripeError, createTestAccount } from "../testing.js";

describe("setup intents", () => {
  it("creates, confirms with a test token and attaches the card to the customer", async () => {
    const { stripe } = createTestAccount();
    const customer = await stripe.customers.create({});
    const intent = await stripe.setupIntents.create({ customer: customer.id });
    expect(intent).toMatchObject({
      object: "setup_intent",
      status: "requires_payment_method",
      customer: customer.id,
      usage: "off_session",
    });
    expect(intent.client_secret).toMatch(new RegExp(`^${intent.id}_secret_`));

    const confirmed = await stripe.setupIntents.confirm(intent.id, {
      payment_method: "pm_card_visa",
    });
    expect(confirmed.status).toBe("succeeded");
    const card = await stripe.paymentMethods.retrieve(confirmed.payment_method as string);
    expect(card.customer).toBe(customer.id);
    expect(await stripe.setupIntents.retrieve(intent.id)).toMatchObject({ status: "succeeded" });
    const list = await stripe.setupIntents.list({ customer: customer.id });
    expect(list.data.map((entry) => entry.id)).toEqual([intent.id]);
    expect(await listEventTypes(stripe)).toEqual([
      "customer.created",
      "setup_intent.created",
      "payment_method.attached",
      "setup_intent.succeeded",
    ]);
  });

  it("updates the payment method with a token, then confirms", async () => {
    const { stripe } = createTestAccount();
    const customer = await stripe.customers.create({});
    const intent = await stripe.setupIntents.create({});
    const updated = await stripe.setupIntents.update(intent.id, {
      customer: customer.id,
      payment_method: "pm_card_amex",
      metadata: { step: "2" },
    });
    expect(updated).toMatchObject({
      status: "requires_confirmation",
      customer: customer.id,
      metadata: { step: "2" },
    });
    expect(updated.payment_method).toMatch(/^pm_(?!card_)/);
    const confirmed = await stripe.setupIntents.confirm(intent.id);
    expect(confirmed).toMatchObject({
      status: "succeeded",
      payment_method: updated.payment_method,
    });
    expect((await stripe.customers.listPaymentMethods(customer.id)).data).toHaveLength(1);
  });

  it("confirms at creation with confirm=true", async () => {
    const { stripe } = createTestAccount();
    const intent = await stripe.setupIntents.create({
      payment_method: "pm_card_mastercard",
      confirm: true,
    });
    expect(intent.status).toBe("succeeded");
  });

  it("fails a declining card with a 402 and setup_intent.setup_failed", async () => {
    const { stripe } = createTestAccount();
    const intent = await stripe.setupIntents.create({});
    const error = await captureStripeError(
      stripe.setupIntents.confirm(intent.id, { payment_method: "pm_card_chargeDeclined" }),
    );
    expect(error).toMatchObject({ statusCode: 402, code: "card_declined" });
    const failed = await stripe.setupIntents.retrieve(intent.id);
    expect(failed).toMatchObject({
      status: "requires_payment_method",
      last_setup_error: { code: "card_declined", decline_code: "generic_decline" },
    });
    expect(await listEventTypes(stripe)).toEqual([
      "setup_intent.created",
      "setup_intent.setup_failed",
    ]);
  });

  it("cancels, and then refuses to confirm", async () => {
    const { stripe } = createTestAccount();
    const intent = await stripe.setupIntents.create({});
    const canceled = await stripe.setupIntents.cancel(intent.id, {
      cancellation_reason: "abandoned",
    });
    expect(canceled).toMatchObject({ status: "canceled", cancellation_reason: "abandoned" });
    const error = await captureStripeError(
      stripe.setupIntents.confirm(intent.id, { payment_method: "pm_card_visa" }),
    );
    expect(error).toMatchObject({ statusCode: 400, code: "setup_intent_unexpected_state" });
    const missing = await captureStripeError(stripe.setupIntents.retrieve("seti_missing"));
    expect(missing).toMatchObject({
      statusCode: 404,
      message: "No such setupintent: 'seti_missing'",
    });
  });
});
