import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { latestEventId, listEvents, listEventTypes } from "../billing/billing-testing.js";
import { captureStripeError, createTestAccount } from "../testing.js";

describe("payment methods", () => {
  it("creates a card from a test token with brand, last4 and expiry", async () => {
    const { stripe } = createTestAccount();
    const created = await stripe.paymentMethods.create({
      type: "card",
      card: { token: "pm_card_mastercard" },
    });
    expect(created.id).toMatch(/^pm_\w{24}$/);
    expect(created).toMatchObject({ type: "card", customer: null });
    expect(created.card).toMatchObject({ brand: "mastercard", last4: "4444", funding: "credit" });
    expect(created.card?.exp_year).toBeGreaterThan(new Date().getUTCFullYear());
    const fromNumber = await stripe.paymentMethods.create({
      type: "card",
      card: { number: "378282246310005", exp_month: 4, exp_year: 2031, cvc: "1234" },
    });
    expect(fromNumber.card).toMatchObject({ brand: "amex", last4: "0005", exp_month: 4 });
    const fetched = await stripe.paymentMethods.retrieve(created.id);
    expect(fetched satisfies Stripe.PaymentMethod).toEqual(created);
  });

  it("keeps the billing address given at creation, as Stripe's CLI sends it", async () => {
    const { stripe } = createTestAccount();
    const address = { line1: "354 Oyster Point Blvd", city: "South San Francisco", country: "US" };
    const created = await stripe.paymentMethods.create({
      type: "card",
      card: { token: "tok_visa" },
      billing_details: { name: "Jenny Rosen", address },
    });
    expect(created.billing_details.address).toEqual({
      ...address,
      line2: null,
      postal_code: null,
      state: null,
    });
  });

  it("rejects numbers that are not test cards with a card error", async () => {
    const { stripe } = createTestAccount();
    const error = await captureStripeError(
      stripe.paymentMethods.create({ type: "card", card: { number: "4111111111111112" } } as never),
    );
    expect(error).toMatchObject({ statusCode: 402, type: "StripeCardError" });
  });

  it("attaches a token as a new card, lists it and detaches it", async () => {
    const { stripe } = createTestAccount();
    const customer = await stripe.customers.create({});
    const before = await latestEventId(stripe);
    const attached = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    expect(attached).toMatchObject({ customer: customer.id, card: { last4: "4242" } });
    await stripe.paymentMethods.attach("pm_card_amex", { customer: customer.id });
    const listed = await stripe.paymentMethods.list({ customer: customer.id, type: "card" });
    expect(listed.data.map((pm) => pm.card?.brand)).toEqual(["amex", "visa"]);
    const viaCustomer = await stripe.customers.listPaymentMethods(customer.id);
    expect(viaCustomer.data).toHaveLength(2);
    const one = await stripe.customers.retrievePaymentMethod(customer.id, attached.id);
    expect(one.id).toBe(attached.id);
    const detached = await stripe.paymentMethods.detach(attached.id);
    expect(detached.customer).toBeNull();
    expect(await listEventTypes(stripe, before)).toEqual([
      "payment_method.attached",
      "payment_method.attached",
      "payment_method.detached",
    ]);
    const again = await captureStripeError(stripe.paymentMethods.detach(attached.id));
    expect(again.statusCode).toBe(400);
  });

  it("sets and clears the customer's default with previous_attributes", async () => {
    const { stripe } = createTestAccount();
    const customer = await stripe.customers.create({});
    const card = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    const before = await latestEventId(stripe);
    const updated = await stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: card.id },
      expand: ["invoice_settings.default_payment_method"],
    });
    const expanded = updated.invoice_settings.default_payment_method as Stripe.PaymentMethod;
    expect(expanded.card?.last4).toBe("4242");
    await stripe.paymentMethods.detach(card.id);
    const events = await listEvents(stripe, before);
    expect(events.map((e) => e.type)).toEqual([
      "customer.updated",
      "customer.updated",
      "payment_method.detached",
    ]);
    expect(events[0]?.data.previous_attributes).toMatchObject({
      invoice_settings: { default_payment_method: null },
    });
    expect(events[1]?.data.previous_attributes).toEqual({
      invoice_settings: { default_payment_method: card.id },
    });
    const cleared = await stripe.customers.retrieve(customer.id);
    expect((cleared as Stripe.Customer).invoice_settings.default_payment_method).toBeNull();
  });

  it("refuses a default that is not attached to the customer", async () => {
    const { stripe } = createTestAccount();
    const customer = await stripe.customers.create({});
    const loose = await stripe.paymentMethods.create({
      type: "card",
      card: { token: "pm_card_visa" },
    });
    const error = await captureStripeError(
      stripe.customers.update(customer.id, {
        invoice_settings: { default_payment_method: loose.id },
      }),
    );
    expect(error).toMatchObject({
      statusCode: 400,
      param: "invoice_settings[default_payment_method]",
    });
  });

  it("allows attaching a declining card; the decline comes at charge time", async () => {
    const { stripe } = createTestAccount();
    const customer = await stripe.customers.create({});
    const declining = await stripe.paymentMethods.attach("pm_card_chargeDeclined", {
      customer: customer.id,
    });
    expect(declining.card?.last4).toBe("0002");
  });

  it("updates card expiry and metadata with payment_method.updated", async () => {
    const { stripe } = createTestAccount();
    const card = await stripe.paymentMethods.create({
      type: "card",
      card: { token: "pm_card_visa" },
    });
    const before = await latestEventId(stripe);
    const updated = await stripe.paymentMethods.update(card.id, {
      card: { exp_month: 1, exp_year: 2040 },
      metadata: { k: "v" },
    });
    expect(updated.card).toMatchObject({ exp_month: 1, exp_year: 2040 });
    const [event] = await listEvents(stripe, before);
    expect(event?.type).toBe("payment_method.updated");
    expect(event?.data.previous_attributes).toMatchObject({ metadata: {} });
  });
});
