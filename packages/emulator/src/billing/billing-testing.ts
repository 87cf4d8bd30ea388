import type Stripe from "stripe";

/** Test-only helpers shared by the billing tests. */

/** Event types oldest first, optionally only those after a given event id. */
export async function listEventTypes(stripe: Stripe, after?: string): Promise<string[]> {
  const events = await listEvents(stripe, after);
  return events.map((event) => event.type);
}

export async function listEvents(stripe: Stripe, after?: string): Promise<Stripe.Event[]> {
  const page = await stripe.events.list({ limit: 100, ...(after ? { ending_before: after } : {}) });
  return [...page.data].reverse();
}

/** The newest event's id, to list only what a later action caused. */
export async function latestEventId(stripe: Stripe): Promise<string | undefined> {
  return (await stripe.events.list({ limit: 1 })).data[0]?.id;
}

/** A customer with an attached default card from a `pm_card_*` token. */
export async function createCustomerWithCard(stripe: Stripe, token = "pm_card_visa") {
  const customer = await stripe.customers.create({ email: "payer@example.com" });
  const paymentMethod = await stripe.paymentMethods.attach(token, { customer: customer.id });
  await stripe.customers.update(customer.id, {
    invoice_settings: { default_payment_method: paymentMethod.id },
  });
  return { customer, paymentMethod };
}

/** A 7-day trial (or `trialDays`) for a customer with no card, $9/month afterwards. */
export async function createTrialWithoutCard(
  stripe: Stripe,
  missing: "pause" | "cancel" | "create_invoice",
  trialDays = 7,
) {
  const price = await stripe.prices.create({
    currency: "usd",
    unit_amount: 900,
    recurring: { interval: "month" },
    product_data: { name: "Plan" },
  });
  const customer = await stripe.customers.create({ email: "trial@example.com" });
  return stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
    trial_period_days: trialDays,
    trial_settings: { end_behavior: { missing_payment_method: missing } },
  });
}

/** What completing 3-D Secure for a subscription invoice sends, in Stripe's order. */
export const AUTHENTICATED_INVOICE_EVENTS = [
  "payment_intent.succeeded",
  "invoice.paid",
  "invoice.payment_succeeded",
  "customer.subscription.updated",
];

/** Presses a button of the 3-D Secure test page (`complete` or `fail`), as a browser would. */
export function pressAuthenticationButton(url: string, outcome: string) {
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: `outcome=${outcome}`,
    redirect: "manual",
  });
}
