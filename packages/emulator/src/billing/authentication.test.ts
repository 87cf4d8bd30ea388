import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import {
  captureStripeError,
  createRecurringPrice,
  createTestAccount,
  type TestAccount,
} from "../testing.js";
import {
  AUTHENTICATED_INVOICE_EVENTS,
  createCustomerWithCard,
  latestEventId,
  listEventTypes,
  pressAuthenticationButton,
} from "./billing-testing.js";

const DAY = 86_400;

/** The PaymentIntent an invoice waits on, reached as in API version 2025-03-31 and later. */
async function retrieveInvoiceIntent(stripe: Stripe, invoiceId: string) {
  const invoice = await stripe.invoices.retrieve(invoiceId, { expand: ["payments"] });
  const intentId = invoice.payments?.data[0]?.payment.payment_intent as string;
  return { invoice, intent: await stripe.paymentIntents.retrieve(intentId) };
}

/** Where Stripe.js would open the 3-D Secure page for a `use_stripe_sdk` next action. */
function stripeJsUrlOf(intent: Stripe.PaymentIntent | Stripe.SetupIntent): string {
  const payload = intent.next_action?.use_stripe_sdk as { stripe_js?: string } | undefined;
  return payload?.stripe_js ?? "";
}

async function subscribeWithCard(account: TestAccount, token: string) {
  const { stripe } = account;
  const { customer } = await createCustomerWithCard(stripe, token);
  const price = await createRecurringPrice(stripe, { unitAmount: 1500 });
  return stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
}

/** A new subscription whose first invoice waits for 3-D Secure, and the page to do it on. */
async function subscribeAwaitingAuthentication(token: string) {
  const account = createTestAccount();
  const subscription = await subscribeWithCard(account, token);
  const invoiceId = subscription.latest_invoice as string;
  const { intent } = await retrieveInvoiceIntent(account.stripe, invoiceId);
  return { account, stripe: account.stripe, subscription, intent, url: stripeJsUrlOf(intent) };
}

async function advance(account: TestAccount, seconds: number) {
  const response = await account.request("POST", "/_emulator/clock/advance", `seconds=${seconds}`);
  expect(response.status).toBe(200);
}

describe("3-D Secure on a subscription's first invoice", () => {
  it("leaves the subscription incomplete and the invoice open on a requires_action intent", async () => {
    const account = createTestAccount();
    const { stripe } = account;
    const subscription = await subscribeWithCard(account, "pm_card_threeDSecure2Required");
    expect(subscription.status).toBe("incomplete");
    const { invoice, intent } = await retrieveInvoiceIntent(
      stripe,
      subscription.latest_invoice as string,
    );
    expect(invoice).toMatchObject({ status: "open", attempted: true, amount_remaining: 1500 });
    expect(intent).toMatchObject({
      status: "requires_action",
      amount: 1500,
      customer: subscription.customer,
      setup_future_usage: "off_session",
      next_action: { type: "use_stripe_sdk" },
    });
    const types = await listEventTypes(stripe);
    expect(types.slice(types.indexOf("invoice.finalized"))).toEqual([
      "invoice.finalized",
      "payment_intent.created",
      "payment_intent.requires_action",
      "invoice.payment_failed",
      "invoice.payment_action_required",
    ]);
  });

  it("activates the subscription once the customer completes authentication", async () => {
    const account = createTestAccount();
    const { stripe } = account;
    const subscription = await subscribeWithCard(account, "pm_card_authenticationRequired");
    const { intent } = await retrieveInvoiceIntent(stripe, subscription.latest_invoice as string);
    const confirmed = await stripe.paymentIntents.confirm(intent.id, {
      return_url: "https://app.example/billing/return",
    });
    expect(confirmed.status).toBe("requires_action");
    expect(confirmed.next_action?.type).toBe("redirect_to_url");
    const url = confirmed.next_action?.redirect_to_url?.url ?? "";
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Complete authentication");

    const before = await latestEventId(stripe);
    const response = await pressAuthenticationButton(url, "complete");
    expect(response.status).toBe(303);
    const back = new URL(response.headers.get("location") ?? "");
    expect(back.origin + back.pathname).toBe("https://app.example/billing/return");
    expect(back.searchParams.get("payment_intent")).toBe(intent.id);
    expect(back.searchParams.get("redirect_status")).toBe("succeeded");

    expect((await stripe.paymentIntents.retrieve(intent.id)).status).toBe("succeeded");
    const invoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
    expect(invoice).toMatchObject({ status: "paid", amount_paid: 1500 });
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("active");
    expect(await listEventTypes(stripe, before)).toEqual(AUTHENTICATED_INVOICE_EVENTS);
    // The page is done with: a second press changes nothing.
    expect((await pressAuthenticationButton(url, "complete")).status).toBe(409);
  });

  it("keeps the invoice open when authentication fails", async () => {
    const { stripe, subscription, intent, url } = await subscribeAwaitingAuthentication(
      "pm_card_threeDSecure2Required",
    );
    const before = await latestEventId(stripe);
    const response = await pressAuthenticationButton(url, "fail");
    expect(response.status).toBe(200);
    expect(await stripe.paymentIntents.retrieve(intent.id)).toMatchObject({
      status: "requires_payment_method",
      next_action: null,
      last_payment_error: { code: "payment_intent_authentication_failure", type: "card_error" },
    });
    expect((await stripe.invoices.retrieve(subscription.latest_invoice as string)).status).toBe(
      "open",
    );
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("incomplete");
    expect(await listEventTypes(stripe, before)).toEqual([
      "payment_intent.payment_failed",
      "invoice.payment_failed",
    ]);
    // Confirming again with a card that needs no authentication pays the invoice.
    const paid = await stripe.paymentIntents.confirm(intent.id, { payment_method: "pm_card_visa" });
    expect(paid.status).toBe("succeeded");
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("active");
  });
});

describe("3-D Secure with payment_behavior=error_if_incomplete", () => {
  it("creates nothing and answers 402", async () => {
    const { stripe } = createTestAccount();
    const { customer } = await createCustomerWithCard(stripe, "pm_card_threeDSecure2Required");
    const price = await createRecurringPrice(stripe);
    const error = await captureStripeError(
      stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: price.id }],
        payment_behavior: "error_if_incomplete",
      }),
    );
    expect(error).toMatchObject({ statusCode: 402, type: "StripeCardError" });
    expect((await stripe.subscriptions.list({ customer: customer.id })).data).toEqual([]);
  });
});

describe("3-D Secure on renewals", () => {
  it("makes a renewal past_due with a card that always authenticates", async () => {
    const { account, stripe, subscription, url } = await subscribeAwaitingAuthentication(
      "pm_card_authenticationRequired",
    );
    await pressAuthenticationButton(url, "complete");
    const before = await latestEventId(stripe);
    await advance(account, 32 * DAY);
    const renewed = await stripe.subscriptions.retrieve(subscription.id);
    expect(renewed.status).toBe("past_due");
    const types = await listEventTypes(stripe, before);
    expect(types).toContain("invoice.payment_action_required");
    const { invoice, intent: renewal } = await retrieveInvoiceIntent(
      stripe,
      renewed.latest_invoice as string,
    );
    expect(invoice).toMatchObject({ status: "open", billing_reason: "subscription_cycle" });
    expect(renewal.status).toBe("requires_action");
  });

  it("renews without asking again once an 'authenticate unless set up' card was authenticated", async () => {
    const { account, stripe, subscription, url } = await subscribeAwaitingAuthentication(
      "pm_card_authenticationRequiredOnSetup",
    );
    expect(subscription.status).toBe("incomplete");
    await pressAuthenticationButton(url, "complete");
    await advance(account, 32 * DAY);
    const renewed = await stripe.subscriptions.retrieve(subscription.id);
    expect(renewed.status).toBe("active");
    expect((await stripe.invoices.retrieve(renewed.latest_invoice as string)).status).toBe("paid");
  });

  it("charges an 'authenticate unless set up' card authenticated by a SetupIntent without asking", async () => {
    const { stripe } = createTestAccount();
    const customer = await stripe.customers.create({});
    const setup = await stripe.setupIntents.create({
      customer: customer.id,
      payment_method: "pm_card_authenticationRequiredOnSetup",
      confirm: true,
      return_url: "https://app.example/card-saved",
    });
    expect(setup).toMatchObject({
      status: "requires_action",
      next_action: { type: "redirect_to_url" },
    });
    const response = await pressAuthenticationButton(
      setup.next_action?.redirect_to_url?.url ?? "",
      "complete",
    );
    const back = new URL(response.headers.get("location") ?? "");
    expect(back.searchParams.get("setup_intent")).toBe(setup.id);
    expect(back.searchParams.get("redirect_status")).toBe("succeeded");
    expect((await stripe.setupIntents.retrieve(setup.id)).status).toBe("succeeded");
    const price = await createRecurringPrice(stripe);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: setup.payment_method as string,
    });
    expect(subscription.status).toBe("active");
  });
});

describe("3-D Secure on SetupIntents", () => {
  it("fails the setup when authentication fails, attaching nothing", async () => {
    const { stripe } = createTestAccount();
    const customer = await stripe.customers.create({});
    const setup = await stripe.setupIntents.create({
      customer: customer.id,
      payment_method: "pm_card_threeDSecure2Required",
      confirm: true,
    });
    expect(setup.next_action?.type).toBe("use_stripe_sdk");
    const before = await latestEventId(stripe);
    await pressAuthenticationButton(stripeJsUrlOf(setup), "fail");
    expect(await stripe.setupIntents.retrieve(setup.id)).toMatchObject({
      status: "requires_payment_method",
      payment_method: null,
      last_setup_error: { code: "setup_intent_authentication_failure" },
    });
    expect(await listEventTypes(stripe, before)).toEqual(["setup_intent.setup_failed"]);
    const cards = await stripe.customers.listPaymentMethods(customer.id);
    expect(cards.data).toEqual([]);
  });
});

describe("3-D Secure on PaymentIntents and invoices.pay", () => {
  it("asks for authentication for card number 4000 0027 6000 3184", async () => {
    const { stripe } = createTestAccount();
    const card = await stripe.paymentMethods.create({
      type: "card",
      card: { number: "4000 0027 6000 3184", exp_month: 12, exp_year: 2040, cvc: "123" },
    });
    const intent = await stripe.paymentIntents.create({
      amount: 900,
      currency: "eur",
      payment_method: card.id,
      confirm: true,
      return_url: "https://shop.example/done",
    });
    expect(intent).toMatchObject({
      status: "requires_action",
      next_action: {
        type: "redirect_to_url",
        redirect_to_url: { return_url: "https://shop.example/done" },
      },
    });
    expect(await listEventTypes(stripe)).toEqual([
      "payment_intent.created",
      "payment_intent.requires_action",
    ]);
  });

  it("declines an off-session payment that would need authentication", async () => {
    const { stripe } = createTestAccount();
    const error = await captureStripeError(
      stripe.paymentIntents.create({
        amount: 900,
        currency: "eur",
        payment_method: "pm_card_threeDSecure2Required",
        confirm: true,
        off_session: true,
      }),
    );
    expect(error).toMatchObject({
      statusCode: 402,
      type: "StripeCardError",
      code: "authentication_required",
    });
  });

  it("answers invoices.pay with a card_error and sends invoice.payment_action_required", async () => {
    // The calls of `stripe trigger invoice.payment_action_required`.
    const { stripe } = createTestAccount();
    const customer = await stripe.customers.create({ description: "(created by Stripe CLI)" });
    const card = await stripe.paymentMethods.attach("pm_card_threeDSecure2Required", {
      customer: customer.id,
    });
    await stripe.invoiceItems.create({ amount: 2000, currency: "usd", customer: customer.id });
    const draft = await stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: "include",
    });
    const error = await captureStripeError(
      stripe.invoices.pay(draft.id, { payment_method: card.id }),
    );
    expect(error).toMatchObject({
      statusCode: 402,
      type: "StripeCardError",
      code: "invoice_payment_intent_requires_action",
    });
    const { invoice, intent } = await retrieveInvoiceIntent(stripe, draft.id);
    expect(invoice.status).toBe("open");
    expect(invoice.confirmation_secret?.client_secret).toBe(intent.client_secret);
    expect(intent).toMatchObject({ status: "requires_action", amount: 2000 });
    expect(await listEventTypes(stripe)).toContain("invoice.payment_action_required");
  });

  it("leaves ordinary cards alone", async () => {
    const account = createTestAccount();
    const subscription = await subscribeWithCard(account, "pm_card_visa");
    expect(subscription.status).toBe("active");
    expect((await account.stripe.paymentIntents.list()).data).toEqual([]);
  });
});
