import type Stripe from "stripe";
import { emitEvent } from "../events.js";
import { invalidRequest } from "../http/errors.js";
import { generateId, generateRandomString } from "../ids.js";
import { requireObject } from "../resources/lookup.js";
import { saveObject } from "../store.js";
import type { Wire } from "../wire.js";
import {
  AUTHENTICATION_REQUIRED,
  needsAuthentication,
  requireAuthentication,
} from "./authentication.js";
import type { BillingContext } from "./context.js";
import { declineOf, toLastError } from "./intent-outcomes.js";
import { attachPaymentMethod, resolvePaymentMethod } from "./payment-methods.js";
import type { CardDecline } from "./test-cards.js";

export type PaymentIntent = Wire<Stripe.PaymentIntent>;

export type PaymentIntentInput = {
  amount: number;
  currency: string;
  customer: string | null;
  paymentMethod: string | null;
  description: string | null;
  metadata: Stripe.Metadata;
  receiptEmail: string | null;
  setupFutureUsage: "off_session" | "on_session" | null;
  shipping: PaymentIntent["shipping"];
};

/** Saves a new PaymentIntent and sends `payment_intent.created`. */
export function createPaymentIntent(
  context: BillingContext,
  input: PaymentIntentInput,
): PaymentIntent {
  const { account } = context;
  const id = generateId("pi");
  const intent = {
    id,
    object: "payment_intent",
    allowed_payment_method_types: null,
    amount: input.amount,
    amount_capturable: 0,
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: "automatic_async",
    client_secret: `${id}_secret_${generateRandomString(24)}`,
    confirmation_method: "automatic",
    created: account.clock.now(),
    currency: input.currency,
    customer: input.customer,
    customer_account: null,
    description: input.description,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: account.livemode,
    managed_payments: null,
    metadata: input.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: input.paymentMethod,
    payment_method_configuration_details: null,
    payment_method_options: {
      card: {
        installments: null,
        mandate_options: null,
        network: null,
        request_three_d_secure: "automatic",
      },
    },
    payment_method_types: ["card"],
    payment_record: null,
    processing: null,
    receipt_email: input.receiptEmail,
    review: null,
    setup_future_usage: input.setupFutureUsage,
    shipping: input.shipping,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: input.paymentMethod ? "requires_confirmation" : "requires_payment_method",
    transfer_group: null,
  } satisfies PaymentIntent;
  saveObject(account, "payment_intent", intent);
  emitEvent(account, "payment_intent.created", intent, undefined, context);
  return intent;
}

export type ConfirmResult = { intent: PaymentIntent; decline: CardDecline | null };

export type ConfirmOptions = {
  /** Where a redirect-based 3-D Secure flow sends the customer back to. */
  returnUrl?: string | null;
  /** The customer is not present: a card that needs authentication is declined instead. */
  offSession?: boolean;
};

/**
 * Charges the intent's card (a `pm_card_*` token makes a fresh one). A decline leaves
 * `last_payment_error` and `payment_intent.payment_failed`; a card that needs 3-D Secure
 * stops in `requires_action` (see authentication.ts); success moves the money at once.
 */
export function confirmPaymentIntent(
  context: BillingContext,
  intentId: string,
  paymentMethodParam: string | null,
  options: ConfirmOptions = {},
): ConfirmResult {
  const { account } = context;
  const before = requireObject(account, "payment_intent", intentId);
  const requested = paymentMethodParam ?? (before.payment_method as string | null);
  if (!requested) {
    throw invalidRequest(
      "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.",
      undefined,
      "payment_intent_unexpected_state",
    );
  }
  const paymentMethod = resolvePaymentMethod(account, requested, "payment_method");
  const authenticate = needsAuthentication(account, paymentMethod);
  const decline =
    declineOf(paymentMethod, true) ??
    (authenticate && options.offSession ? AUTHENTICATION_REQUIRED : null);
  if (decline) {
    const failed = saveObject(account, "payment_intent", {
      ...before,
      next_action: null,
      payment_method: null,
      status: "requires_payment_method",
      last_payment_error: toLastError(decline, paymentMethod),
    });
    emitEvent(account, "payment_intent.payment_failed", failed, undefined, context);
    return { intent: failed, decline };
  }
  if (authenticate) {
    const returnUrl = options.returnUrl ?? null;
    return { intent: requireAuthentication(context, before, paymentMethod.id, returnUrl), decline };
  }
  return { intent: succeedPaymentIntent(context, intentId, paymentMethod.id), decline: null };
}

/**
 * Moves the money (`payment_intent.succeeded`) and, with `setup_future_usage`, saves the
 * card on the customer. Also what "Complete authentication" does.
 */
export function succeedPaymentIntent(
  context: BillingContext,
  intentId: string,
  paymentMethodId: string,
): PaymentIntent {
  const { account } = context;
  const before = requireObject(account, "payment_intent", intentId);
  if (typeof before.customer === "string" && before.setup_future_usage) {
    attachPaymentMethod(account, paymentMethodId, before.customer, context);
  }
  const succeeded = saveObject(account, "payment_intent", {
    ...before,
    amount_received: before.amount,
    last_payment_error: null,
    next_action: null,
    payment_method: paymentMethodId,
    status: "succeeded",
  });
  emitEvent(account, "payment_intent.succeeded", succeeded, undefined, context);
  return succeeded;
}
