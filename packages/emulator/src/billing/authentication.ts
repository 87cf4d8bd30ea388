import type Stripe from "stripe";
import { emitEvent } from "../events.js";
import { generateId, generateRandomString } from "../ids.js";
import { requireObject } from "../resources/lookup.js";
import { type Account, saveObject } from "../store.js";
import type { Wire } from "../wire.js";
import type { BillingContext } from "./context.js";
import { toLastError } from "./intent-outcomes.js";
import { findCardOf, type PaymentMethod } from "./payment-methods.js";
import type { CardDecline } from "./test-cards.js";

/**
 * 3-D Secure for the regulatory test cards. A payment that needs it stops in
 * `requires_action` with a `next_action` pointing at the emulator's test page
 * (`/3ds/<token>`), where "Complete authentication" or "Fail authentication" decides it, as
 * on Stripe's own test page.
 */

type PaymentIntent = Wire<Stripe.PaymentIntent>;
type SetupIntent = Wire<Stripe.SetupIntent>;

/** An off-session payment cannot ask the customer, so Stripe declines it instead. */
export const AUTHENTICATION_REQUIRED: CardDecline = {
  code: "authentication_required",
  decline_code: "authentication_required",
  message: "Your card was declined. This transaction requires authentication.",
};

/** What "Fail authentication" leaves in `last_payment_error`. */
export const AUTHENTICATION_FAILED: CardDecline = {
  code: "payment_intent_authentication_failure",
  decline_code: "payment_intent_authentication_failure",
  message:
    "We are unable to authenticate your payment method. Please choose a different payment method and try again.",
};

/**
 * Stripe's "authenticate unless set up" card goes through without 3-D Secure once it has
 * been set up for off-session use: a succeeded SetupIntent, or an authenticated payment
 * that asked for `setup_future_usage=off_session`. Derived from stored intents, so it
 * survives persistence.
 */
function isSetUpForOffSession(account: Account, paymentMethodId: string): boolean {
  for (const intent of account.collections.setup_intent.values()) {
    const usedHere = intent.payment_method === paymentMethodId && intent.status === "succeeded";
    if (usedHere && intent.usage === "off_session") return true;
  }
  for (const intent of account.collections.payment_intent.values()) {
    const usedHere = intent.payment_method === paymentMethodId && intent.status === "succeeded";
    if (usedHere && intent.setup_future_usage === "off_session") return true;
  }
  return false;
}

/** The card number the customer has just authenticated on a hosted page, during `work`. */
let authenticatedCardNumber: string | null = null;

/**
 * Runs `work` (synchronous, like every emulator request) as the payment the customer has
 * just authenticated on hosted Checkout, so its charges do not ask a second time.
 */
export function runAuthenticated<T>(cardNumber: string, work: () => T): T {
  authenticatedCardNumber = cardNumber;
  try {
    return work();
  } finally {
    authenticatedCardNumber = null;
  }
}

/** Whether charging this card now needs the customer to authenticate. */
export function needsAuthentication(account: Account, paymentMethod: PaymentMethod): boolean {
  const card = findCardOf(paymentMethod);
  if (!card || card.number === authenticatedCardNumber) return false;
  const rule = card.authentication;
  if (rule === "always") return true;
  return rule === "unless_set_up" && !isSetUpForOffSession(account, paymentMethod.id);
}

/** The test page's address for one intent; the token resolves without an API key. */
export function createAuthenticationUrl(context: BillingContext, intentId: string): string {
  const token = `tdsa_${generateRandomString(32)}`;
  context.store.hostedLinks.set(token, { account: context.account, objectId: intentId });
  return `${context.origin}/3ds/${token}`;
}

/**
 * `redirect_to_url` when the caller gave a `return_url` (a redirect-based integration);
 * otherwise `use_stripe_sdk`, whose payload Stripe.js reads. Both lead to the test page.
 */
export function buildNextAction(
  context: BillingContext,
  intentId: string,
  returnUrl: string | null,
): Pick<NonNullable<PaymentIntent["next_action"]>, "type" | "redirect_to_url" | "use_stripe_sdk"> {
  const url = createAuthenticationUrl(context, intentId);
  if (returnUrl) {
    return { type: "redirect_to_url", redirect_to_url: { url, return_url: returnUrl } };
  }
  return {
    type: "use_stripe_sdk",
    use_stripe_sdk: { type: "three_d_secure_redirect", stripe_js: url, source: generateId("src") },
  };
}

/** Saves the intent in `requires_action` and sends `payment_intent.requires_action`. */
export function requireAuthentication(
  context: BillingContext,
  before: PaymentIntent,
  paymentMethodId: string,
  returnUrl: string | null,
): PaymentIntent {
  const waiting = saveObject(context.account, "payment_intent", {
    ...before,
    last_payment_error: null,
    next_action: buildNextAction(context, before.id, returnUrl),
    payment_method: paymentMethodId,
    status: "requires_action",
  });
  emitEvent(context.account, "payment_intent.requires_action", waiting, undefined, context);
  return waiting;
}

/** Stripe's authentication failure is a card error with no decline code. */
function authenticationFailure(paymentMethod: PaymentMethod) {
  const { decline_code: _none, ...error } = toLastError(AUTHENTICATION_FAILED, paymentMethod);
  return error;
}

/** "Fail authentication" on a SetupIntent: `setup_intent.setup_failed`, nothing saved. */
export function failSetupAuthentication(context: BillingContext, intentId: string): SetupIntent {
  const { account } = context;
  const before = requireObject(account, "setup_intent", intentId);
  const paymentMethod = requireObject(account, "payment_method", before.payment_method as string);
  const { type, message, doc_url } = authenticationFailure(paymentMethod);
  const failed = saveObject(account, "setup_intent", {
    ...before,
    last_setup_error: {
      code: "setup_intent_authentication_failure",
      doc_url,
      message,
      payment_method: paymentMethod,
      type,
    },
    next_action: null,
    payment_method: null,
    status: "requires_payment_method",
  });
  emitEvent(account, "setup_intent.setup_failed", failed, undefined, context);
  return failed;
}

/** "Fail authentication": back to `requires_payment_method`, `payment_intent.payment_failed`. */
export function failAuthentication(context: BillingContext, intentId: string): PaymentIntent {
  const { account } = context;
  const before = requireObject(account, "payment_intent", intentId);
  const paymentMethod = requireObject(account, "payment_method", before.payment_method as string);
  const failed = saveObject(account, "payment_intent", {
    ...before,
    last_payment_error: authenticationFailure(paymentMethod),
    next_action: null,
    payment_method: null,
    status: "requires_payment_method",
  });
  emitEvent(account, "payment_intent.payment_failed", failed, undefined, context);
  return failed;
}
