import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { latestEventId, listEventTypes } from "../billing/billing-testing.js";
import { captureStripeError, createRecurringPrice, createTestAccount } from "../testing.js";

/** A subscription session for 2 × $15.00 a month, and a card made the way Stripe's CLI makes it. */
async function openSessionAndCard(stripe: Stripe, token = "tok_visa") {
  const price = await createRecurringPrice(stripe, { unitAmount: 1500 });
  const session = await stripe.checkout.sessions.create({
    mode: "subscription",
    line_items: [{ price: price.id, quantity: 2 }],
    success_url: "https://app.example.com/done",
  });
  const card = await stripe.paymentMethods.create({
    type: "card",
    card: { token },
    billing_details: { email: "jenny@example.com", name: "Jenny Rosen" },
  });
  return { session, card };
}

const confirm = (stripe: Stripe, sessionId: string, params: Record<string, unknown>) =>
  stripe.rawRequest("POST", `/v1/payment_pages/${sessionId}/confirm`, params);

describe("payment pages (Stripe CLI's way to complete Checkout)", () => {
  it("shows the session and completes it like the hosted page", async () => {
    const { stripe } = createTestAccount();
    const { session, card } = await openSessionAndCard(stripe);
    const page = await stripe.rawRequest("GET", `/v1/payment_pages/${session.id}`, {});
    expect(page).toMatchObject({ id: session.id, status: "open", amount_total: 3000 });
    const before = await latestEventId(stripe);
    const done = await confirm(stripe, session.id, {
      payment_method: card.id,
      expected_amount: 3000,
    });
    expect(done).toMatchObject({ id: session.id, status: "complete", payment_status: "paid" });
    const types = await listEventTypes(stripe, before);
    expect(types[0]).toBe("customer.created");
    expect(types).toContain("customer.subscription.created");
    expect(types).toContain("invoice.paid");
    expect(types.at(-1)).toBe("checkout.session.completed");
    const completed = await stripe.checkout.sessions.retrieve(session.id);
    expect(completed.customer_details).toMatchObject({ email: "jenny@example.com" });
    const customer = completed.customer as string;
    expect((await stripe.paymentMethods.retrieve(card.id)).customer).toBe(customer);
  });

  it("declines with a card_error and leaves the session open", async () => {
    const { stripe } = createTestAccount();
    const { session, card } = await openSessionAndCard(stripe, "tok_chargeDeclined");
    const error = await captureStripeError(
      confirm(stripe, session.id, { payment_method: card.id, expected_amount: 3000 }),
    );
    expect(error).toMatchObject({ statusCode: 402, type: "StripeCardError" });
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
  });

  it("refuses a changed amount, an unknown session and a closed one", async () => {
    const { stripe } = createTestAccount();
    const { session, card } = await openSessionAndCard(stripe);
    const changed = await captureStripeError(
      confirm(stripe, session.id, { payment_method: card.id, expected_amount: 100 }),
    );
    expect(changed).toMatchObject({ statusCode: 400, param: "expected_amount" });
    const missing = await captureStripeError(
      stripe.rawRequest("GET", "/v1/payment_pages/cs_test_missing", {}),
    );
    expect(missing.statusCode).toBe(404);
    await stripe.checkout.sessions.expire(session.id);
    const closed = await captureStripeError(
      confirm(stripe, session.id, { payment_method: card.id }),
    );
    expect(closed).toMatchObject({ statusCode: 400, message: expect.stringMatching(/no longer/) });
  });
});
