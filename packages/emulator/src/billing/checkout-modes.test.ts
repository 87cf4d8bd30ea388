import { describe, expect, it } from "vitest";
import { captureStripeError, createRecurringPrice, createTestAccount } from "../testing.js";
import { listEventTypes } from "./billing-testing.js";

const SUCCESS_URL = "https://app.example.com/done?session={CHECKOUT_SESSION_ID}";

/** Submits the hosted form the way a browser does. */
function submitCard(url: string, cardnumber = "4242 4242 4242 4242") {
  const body = new URLSearchParams({
    email: "buyer@example.com",
    cardnumber,
    expiry: "12 / 34",
    cvc: "123",
    name: "Ada",
  });
  return fetch(url, { method: "POST", body, redirect: "manual" });
}

describe("checkout mode=payment", () => {
  it("charges one-time prices through a PaymentIntent on the hosted page", async () => {
    const { stripe } = createTestAccount();
    const price = await stripe.prices.create({
      currency: "usd",
      unit_amount: 1500,
      product_data: { name: "T-shirt" },
    });
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      line_items: [{ price: price.id, quantity: 2 }],
      success_url: SUCCESS_URL,
      payment_intent_data: { metadata: { order: "42" } },
    });
    expect(session).toMatchObject({
      mode: "payment",
      amount_total: 3000,
      payment_status: "unpaid",
      payment_intent: null,
    });
    const page = await (await fetch(session.url as string)).text();
    expect(page).toContain("$30.00");
    expect(page).toContain(">Pay</button>");

    const response = await submitCard(session.url as string);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(
      `https://app.example.com/done?session=${session.id}`,
    );
    const completed = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["payment_intent"],
    });
    expect(completed).toMatchObject({
      status: "complete",
      payment_status: "paid",
      // customer_creation=if_required, Stripe's default in payment mode: a guest payment.
      customer: null,
      customer_details: { email: "buyer@example.com" },
      payment_intent: {
        object: "payment_intent",
        status: "succeeded",
        amount: 3000,
        amount_received: 3000,
        metadata: { order: "42" },
        customer: null,
      },
    });
    const events = await listEventTypes(stripe);
    expect(events).not.toContain("customer.created");
    expect(events.slice(-3)).toEqual([
      "payment_intent.created",
      "payment_intent.succeeded",
      "checkout.session.completed",
    ]);
  });

  it("creates a customer and saves the card with customer_creation=always and setup_future_usage", async () => {
    const { stripe } = createTestAccount();
    const price = await stripe.prices.create({
      currency: "usd",
      unit_amount: 700,
      product_data: { name: "Mug" },
    });
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      line_items: [{ price: price.id }],
      success_url: SUCCESS_URL,
      customer_creation: "always",
      payment_intent_data: { setup_future_usage: "off_session" },
    });
    expect(session.customer_creation).toBe("always");
    expect((await submitCard(session.url as string)).status).toBe(303);
    const completed = await stripe.checkout.sessions.retrieve(session.id);
    expect(completed.customer).toMatch(/^cus_/);
    const cards = await stripe.customers.listPaymentMethods(completed.customer as string);
    expect(cards.data).toHaveLength(1);
  });

  it("refuses a recurring price and a missing line item in payment mode", async () => {
    const { stripe } = createTestAccount();
    const recurring = await createRecurringPrice(stripe);
    const error = await captureStripeError(
      stripe.checkout.sessions.create({
        mode: "payment",
        line_items: [{ price: recurring.id }],
        success_url: SUCCESS_URL,
      }),
    );
    expect(error).toMatchObject({ statusCode: 400, param: "line_items[0][price]" });
    const empty = await captureStripeError(
      stripe.checkout.sessions.create({ mode: "payment", success_url: SUCCESS_URL }),
    );
    expect(empty).toMatchObject({ statusCode: 400, param: "line_items" });
  });
});

describe("checkout mode=setup", () => {
  it("leaves a real, succeeded SetupIntent", async () => {
    const { stripe } = createTestAccount();
    const session = await stripe.checkout.sessions.create({
      mode: "setup",
      currency: "usd",
      success_url: SUCCESS_URL,
    });
    expect((await submitCard(session.url as string)).status).toBe(303);
    const completed = await stripe.checkout.sessions.retrieve(session.id);
    const intent = await stripe.setupIntents.retrieve(completed.setup_intent as string);
    expect(intent).toMatchObject({ status: "succeeded", customer: completed.customer });
  });
});
