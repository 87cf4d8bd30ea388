import type Stripe from "stripe";
import { emitEvent } from "../events.js";
import { createCustomer } from "../resources/customers.js";
import { requireObject } from "../resources/lookup.js";
import { startSubscription } from "../resources/subscription-create.js";
import { saveObject } from "../store.js";
import type { Wire } from "../wire.js";
import { runAuthenticated } from "./authentication.js";
import { type CheckoutSession, completedCustomerDetails } from "./checkout-build.js";
import { isGuestCheckout, payCheckoutSession, setUpCheckoutSession } from "./checkout-modes.js";
import type { BillingContext } from "./context.js";
import {
  attachPaymentMethod,
  type CardExpiry,
  createCardPaymentMethod,
  findCardOf,
  type PaymentMethod,
  setDefaultPaymentMethod,
} from "./payment-methods.js";
import { type CardDecline, findTestCard } from "./test-cards.js";

export type CheckoutPayment = {
  email: string | null;
  cardNumber: string;
  expiry: CardExpiry;
  name: string | null;
  /** The customer completed 3-D Secure on the hosted page for this submission. */
  authenticated?: boolean;
};

/** The API's payment page (what Stripe's CLI uses) pays with a payment method made first. */
export type CheckoutPaymentMethod = {
  email: string | null;
  name: string | null;
  paymentMethod: PaymentMethod;
};

export type CheckoutResult =
  | { ok: true; session: CheckoutSession; redirectTo: string }
  | { ok: false; message: string; decline?: CardDecline; requiresAuthentication?: boolean };

/** Open → expired, with `checkout.session.expired`. */
export function expireCheckoutSession(context: BillingContext, sessionId: string) {
  const before = requireObject(context.account, "checkout.session", sessionId);
  const after: CheckoutSession = { ...before, status: "expired", url: null };
  saveObject(context.account, "checkout.session", after);
  emitEvent(context.account, "checkout.session.expired", after, undefined, context);
  return after;
}

/** Sessions past `expires_at` expire when next looked at; nothing runs in the background. */
export function refreshCheckoutSession(context: BillingContext, sessionId: string) {
  const session = requireObject(context.account, "checkout.session", sessionId);
  if (session.status === "open" && session.expires_at <= context.account.clock.now()) {
    return expireCheckoutSession(context, sessionId);
  }
  return session;
}

/** The customer the session names, or a new one from the entered email (`customer.created`). */
function resolveCustomer(
  context: BillingContext,
  session: CheckoutSession,
  payment: CheckoutPayment | CheckoutPaymentMethod,
) {
  if (typeof session.customer === "string") return session.customer;
  const email = session.customer_email ?? payment.email;
  const customer = createCustomer({
    ...context,
    params: { ...(email ? { email } : {}), ...(payment.name ? { name: payment.name } : {}) },
    pathParams: {},
  }) as Wire<Stripe.Customer>;
  return customer.id;
}

function subscribe(context: BillingContext, session: CheckoutSession, customerId: string) {
  const lines = context.account.collections["checkout.session.line_items"].get(session.id);
  const data = lines?.subscription_data;
  return startSubscription(
    context,
    {
      customer: customerId,
      items: (lines?.data ?? []).map((line) => ({
        price: line.price?.id ?? "",
        quantity: line.quantity ?? 1,
      })),
      metadata: data?.metadata ?? {},
      ...(data?.trial_period_days ? { trial_period_days: data.trial_period_days } : {}),
    },
    { announceIncomplete: true },
  );
}

/**
 * What the hosted page's submit does. A declined or unknown card changes nothing and
 * returns Stripe's message; success leaves the customer, card, subscription and first
 * paid invoice behind, in Stripe's event order, and completes the session.
 */
export function completeCheckoutSession(
  context: BillingContext,
  sessionId: string,
  payment: CheckoutPayment | CheckoutPaymentMethod,
): CheckoutResult {
  const session = refreshCheckoutSession(context, sessionId);
  if (session.status !== "open") {
    return { ok: false, message: "This Checkout Session is no longer active." };
  }
  const card =
    "paymentMethod" in payment
      ? findCardOf(payment.paymentMethod)
      : findTestCard(payment.cardNumber);
  if (!card) return { ok: false, message: "Your card number is incorrect." };
  if (card.decline) {
    return { ok: false, message: card.decline.message, decline: card.decline };
  }
  // Checkout is on-session, so even an "authenticate unless set up" card asks here first.
  if (card.authentication && !("authenticated" in payment && payment.authenticated)) {
    const message = "Your card requires authentication.";
    return { ok: false, message, requiresAuthentication: true };
  }
  return runAuthenticated(card.number, () => fulfilCheckoutSession(context, session, payment));
}

/** Leaves the customer, card and subscription or payment behind and completes the session. */
function fulfilCheckoutSession(
  context: BillingContext,
  session: CheckoutSession,
  payment: CheckoutPayment | CheckoutPaymentMethod,
): CheckoutResult {
  const customerId = isGuestCheckout(context, session)
    ? null
    : resolveCustomer(context, session, payment);
  const paymentMethod =
    "paymentMethod" in payment
      ? payment.paymentMethod
      : createCardPaymentMethod(context.account, {
          numberOrToken: payment.cardNumber,
          expiry: payment.expiry,
          billingDetails: { email: payment.email, name: payment.name },
        });
  if (customerId) attachPaymentMethod(context.account, paymentMethod.id, customerId, context);
  let completion: Partial<CheckoutSession> = {};
  if (session.mode === "subscription" && customerId) {
    setDefaultPaymentMethod(context.account, customerId, paymentMethod.id, context);
    const subscription = subscribe(context, session, customerId);
    const invoice = subscription.latest_invoice as string;
    const amountPaid = context.account.collections.invoice.get(invoice)?.amount_paid ?? 0;
    completion = {
      subscription: subscription.id,
      invoice,
      payment_status: amountPaid > 0 ? "paid" : "no_payment_required",
    };
  } else if (session.mode === "payment") {
    completion = payCheckoutSession(context, session, customerId, paymentMethod.id);
  } else if (customerId) {
    completion = setUpCheckoutSession(context, customerId, paymentMethod.id);
  }
  const completed: CheckoutSession = {
    ...session,
    ...completion,
    customer: customerId,
    customer_details: completedCustomerDetails(
      session.customer_email ?? payment.email,
      payment.name,
    ),
    status: "complete",
    url: null,
  };
  saveObject(context.account, "checkout.session", completed);
  emitEvent(context.account, "checkout.session.completed", completed, undefined, context);
  const redirectTo = (session.success_url ?? "").replaceAll("{CHECKOUT_SESSION_ID}", session.id);
  return { ok: true, session: completed, redirectTo };
}
