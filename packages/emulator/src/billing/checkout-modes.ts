import { emitEvent } from "../events.js";
import { saveObject } from "../store.js";
import type { CheckoutSession } from "./checkout-build.js";
import type { BillingContext } from "./context.js";
import { confirmPaymentIntent, createPaymentIntent } from "./payment-intents.js";
import { buildSetupIntent } from "./setup-intents.js";

/** What completing a `payment` or `setup` session leaves behind, beside the customer and card. */

/**
 * A `mode=payment` session with `customer_creation=if_required` (the default) pays as a
 * guest: no customer, unless the card is to be saved for later.
 */
export function isGuestCheckout(context: BillingContext, session: CheckoutSession): boolean {
  if (session.mode !== "payment" || session.customer || session.customer_creation === "always") {
    return false;
  }
  const stash = context.account.collections["checkout.session.line_items"].get(session.id);
  return !stash?.payment_intent_data?.setup_future_usage;
}

/**
 * `mode=payment`: one PaymentIntent for the session total, confirmed with the entered card
 * (`payment_intent.created`, `payment_intent.succeeded`), as Stripe's Checkout does.
 */
export function payCheckoutSession(
  context: BillingContext,
  session: CheckoutSession,
  customerId: string | null,
  paymentMethodId: string,
): Partial<CheckoutSession> {
  const stash = context.account.collections["checkout.session.line_items"].get(session.id);
  const data = stash?.payment_intent_data;
  const intent = createPaymentIntent(context, {
    amount: session.amount_total ?? 0,
    currency: session.currency ?? "usd",
    customer: customerId,
    paymentMethod: paymentMethodId,
    description: data?.description ?? null,
    metadata: data?.metadata ?? {},
    receiptEmail: data?.receipt_email ?? null,
    setupFutureUsage: data?.setup_future_usage ?? null,
    shipping: null,
  });
  const { intent: paid } = confirmPaymentIntent(context, intent.id, paymentMethodId);
  return {
    payment_intent: paid.id,
    payment_status: paid.status === "succeeded" ? "paid" : "unpaid",
  };
}

/** `mode=setup`: a succeeded SetupIntent that saved the entered card on the customer. */
export function setUpCheckoutSession(
  context: BillingContext,
  customerId: string,
  paymentMethodId: string,
): Partial<CheckoutSession> {
  const { account } = context;
  const intent = saveObject(account, "setup_intent", {
    ...buildSetupIntent(context, {
      customer: customerId,
      paymentMethod: paymentMethodId,
      description: null,
      metadata: {},
      usage: "off_session",
    }),
    status: "succeeded",
  });
  emitEvent(account, "setup_intent.created", intent, undefined, context);
  emitEvent(account, "setup_intent.succeeded", intent, undefined, context);
  return { setup_intent: intent.id, payment_status: "no_payment_required" };
}
