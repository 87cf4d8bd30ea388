import { describe, expect, it } from "vitest";
import { captureStripeError, createRecurringPrice, createTestAccount } from "../testing.js";
import { latestEventId, listEventTypes } from "./billing-testing.js";

describe("test payment-method tokens", () => {
  it("accepts Stripe's quickstart customer: one card, attached and made the default", async () => {
    const { stripe } = createTestAccount();
    const customer = await stripe.customers.create({
      payment_method: "pm_card_visa",
      invoice_settings: { default_payment_method: "pm_card_visa" },
    });
    const defaultId = customer.invoice_settings.default_payment_method as string;
    expect(defaultId).toMatch(/^pm_(?!card_)/);
    const cards = await stripe.customers.listPaymentMethods(customer.id);
    expect(cards.data.map((card) => card.id)).toEqual([defaultId]);
    expect(cards.data[0]?.card?.last4).toBe("4242");
    expect(await listEventTypes(stripe)).toEqual(["customer.created", "payment_method.attached"]);
  });

  it("creates a fresh card for a token as the default on update", async () => {
    const { stripe } = createTestAccount();
    const customer = await stripe.customers.create({});
    const updated = await stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: "pm_card_mastercard" },
    });
    const card = await stripe.paymentMethods.retrieve(
      updated.invoice_settings.default_payment_method as string,
    );
    expect(card).toMatchObject({ customer: customer.id, card: { brand: "mastercard" } });
  });

  it("attaches a token given as a subscription's default payment method", async () => {
    const { stripe } = createTestAccount();
    const price = await createRecurringPrice(stripe);
    const customer = await stripe.customers.create({});
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: "pm_card_chargeDeclined",
    });
    // The declining card is charged for the first invoice, so the token really was used.
    expect(subscription.status).toBe("incomplete");
    const card = await stripe.paymentMethods.retrieve(
      subscription.default_payment_method as string,
    );
    expect(card.customer).toBe(customer.id);

    const mark = await latestEventId(stripe);
    const updated = await stripe.subscriptions.update(subscription.id, {
      default_payment_method: "pm_card_visa",
    });
    expect(updated.default_payment_method).toMatch(/^pm_(?!card_)/);
    expect(await listEventTypes(stripe, mark)).toEqual([
      "payment_method.attached",
      "customer.subscription.updated",
    ]);
  });

  it("pays an invoice with a token", async () => {
    const { stripe } = createTestAccount();
    const price = await createRecurringPrice(stripe);
    const customer = await stripe.customers.create({ payment_method: "pm_card_chargeDeclined" });
    const cards = await stripe.customers.listPaymentMethods(customer.id);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: cards.data[0]?.id as string,
    });
    const paid = await stripe.invoices.pay(subscription.latest_invoice as string, {
      payment_method: "pm_card_visa",
    });
    expect(paid.status).toBe("paid");
  });

  it("still refuses an unknown id, naming the parameter", async () => {
    const { stripe } = createTestAccount();
    const error = await captureStripeError(
      stripe.customers.create({ payment_method: "pm_missing" }),
    );
    expect(error).toMatchObject({ statusCode: 400, param: "payment_method" });
  });
});
