import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { latestEventId, listEvents } from "../billing/billing-testing.js";
import { captureStripeError, createRecurringPrice, createTestAccount } from "../testing.js";

const SUCCESS_URL = "https://app.example.com/done?session={CHECKOUT_SESSION_ID}";

async function createSession(
  stripe: Stripe,
  params: Partial<Stripe.Checkout.SessionCreateParams> = {},
) {
  const product = await stripe.products.create({ name: "Team plan" });
  const price = await createRecurringPrice(stripe, { product: product.id, unitAmount: 1500 });
  const session = await stripe.checkout.sessions.create({
    mode: "subscription",
    line_items: [{ price: price.id, quantity: 2 }],
    success_url: SUCCESS_URL,
    cancel_url: "https://app.example.com/cancel",
    customer_email: "buyer@example.com",
    client_reference_id: "user_42",
    metadata: { plan: "team" },
    subscription_data: { metadata: { source: "checkout" } },
    allow_promotion_codes: true,
    ...params,
  });
  return { price, session };
}

/** Submits the hosted form the way a browser does. */
function submitCard(url: string, fields: Record<string, string>) {
  const body = new URLSearchParams({ expiry: "12 / 34", cvc: "123", name: "Ada", ...fields });
  return fetch(url, { method: "POST", body, redirect: "manual" });
}

describe("checkout sessions", () => {
  it("creates, retrieves with expansions, lists and serves line items", async () => {
    const { stripe, url } = createTestAccount();
    const { session, price } = await createSession(stripe);
    expect(session satisfies Stripe.Checkout.Session).toMatchObject({
      object: "checkout.session",
      mode: "subscription",
      status: "open",
      payment_status: "unpaid",
      amount_total: 3000,
      currency: "usd",
      client_reference_id: "user_42",
      metadata: { plan: "team" },
      customer: null,
    });
    expect(session.id).toMatch(/^cs_test_\w{58}$/);
    expect(session.url).toBe(`${url}/c/pay/${session.id}`);
    expect(session.expires_at - session.created).toBe(24 * 3600);
    const expanded = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["line_items"],
    });
    expect(expanded.line_items?.data[0]).toMatchObject({
      object: "item",
      description: "Team plan",
      quantity: 2,
      amount_total: 3000,
      price: { id: price.id },
    });
    const items = await stripe.checkout.sessions.listLineItems(session.id);
    expect(items.data).toHaveLength(1);
    const listed = await stripe.checkout.sessions.list({ status: "open" });
    expect(listed.data.map((s) => s.id)).toEqual([session.id]);
  });

  it("validates parameters like Stripe", async () => {
    const { stripe } = createTestAccount();
    const customer = await stripe.customers.create({});
    const both = await captureStripeError(
      createSession(stripe, { customer: customer.id, customer_email: "x@example.com" }),
    );
    expect(both).toMatchObject({ statusCode: 400, param: "customer_email" });
    const none = await captureStripeError(createSession(stripe, { line_items: [] }));
    expect(none.statusCode).toBe(400);
  });

  it("expires an open session and shows a closed page afterwards", async () => {
    const { stripe } = createTestAccount();
    const { session } = await createSession(stripe);
    const expired = await stripe.checkout.sessions.expire(session.id);
    expect(expired).toMatchObject({ status: "expired", url: null });
    const again = await captureStripeError(stripe.checkout.sessions.expire(session.id));
    expect(again.statusCode).toBe(400);
    const page = await fetch(session.url ?? "");
    expect(page.status).toBe(410);
    expect(await page.text()).toContain("expired");
    const submitted = await submitCard(session.url ?? "", { cardnumber: "4242424242424242" });
    expect(submitted.status).toBe(410);
    expect((await stripe.subscriptions.list({ status: "all" })).data).toEqual([]);
  });

  it("completes with a good card: customer, card, paid subscription, Stripe's events", async () => {
    const { stripe } = createTestAccount();
    const { session } = await createSession(stripe);
    const before = await latestEventId(stripe);
    const page = await fetch(session.url ?? "");
    const html = await page.text();
    for (const label of [
      "Email",
      "Card number",
      "Expiration (MM / YY)",
      "CVC",
      "Cardholder name",
    ]) {
      expect(html).toContain(`>${label}</label>`);
    }
    expect(html).toContain("Team plan");
    const response = await submitCard(session.url ?? "", { cardnumber: "4242 4242 4242 4242" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(
      `https://app.example.com/done?session=${session.id}`,
    );
    const events = await listEvents(stripe, before);
    expect(events.map((e) => e.type)).toEqual([
      "customer.created",
      "payment_method.attached",
      "customer.updated",
      "customer.subscription.created",
      "invoice.created",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
      "customer.subscription.updated",
      "checkout.session.completed",
    ]);
    expect(events[8]?.data.previous_attributes).toMatchObject({ status: "incomplete" });
    const done = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["subscription", "customer"],
    });
    expect(done).toMatchObject({ status: "complete", payment_status: "paid" });
    const customer = done.customer as Stripe.Customer;
    const subscription = done.subscription as Stripe.Subscription;
    expect(customer.email).toBe("buyer@example.com");
    expect(subscription).toMatchObject({ status: "active", metadata: { source: "checkout" } });
    expect(subscription.items.data[0]?.quantity).toBe(2);
    const [card] = (await stripe.customers.listPaymentMethods(customer.id)).data;
    expect(customer.invoice_settings.default_payment_method).toBe(card?.id);
    const invoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
    expect(invoice).toMatchObject({ status: "paid", amount_paid: 3000 });
    const replay = await submitCard(session.url ?? "", { cardnumber: "4242424242424242" });
    expect(replay.status).toBe(410);
  });

  it("re-renders a declined card with Stripe's message and creates nothing", async () => {
    const { stripe } = createTestAccount();
    const { session } = await createSession(stripe);
    const before = await latestEventId(stripe);
    const response = await submitCard(session.url ?? "", { cardnumber: "4000000000000002" });
    expect(response.status).toBe(402);
    expect(await response.text()).toContain("Your card was declined.");
    expect(await listEvents(stripe, before)).toEqual([]);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
  });

  it("reuses a named customer and saves a card in setup mode", async () => {
    const { stripe } = createTestAccount();
    const customer = await stripe.customers.create({ email: "known@example.com" });
    const session = await stripe.checkout.sessions.create({
      mode: "setup",
      customer: customer.id,
      currency: "usd",
      success_url: "https://app.example.com/saved",
    });
    expect(session.payment_status).toBe("no_payment_required");
    const page = await (await fetch(session.url ?? "")).text();
    expect(page).toContain("Save card");
    const response = await submitCard(session.url ?? "", { cardnumber: "5555555555554444" });
    expect(response.status).toBe(303);
    const cards = await stripe.customers.listPaymentMethods(customer.id);
    expect(cards.data[0]?.card?.brand).toBe("mastercard");
    const done = await stripe.checkout.sessions.retrieve(session.id);
    expect(done).toMatchObject({ status: "complete", customer: customer.id, subscription: null });
  });
});
