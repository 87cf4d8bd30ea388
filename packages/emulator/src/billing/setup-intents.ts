import type Stripe from "stripe";
import { emitEvent } from "../events.js";
import { invalidRequest } from "../http/errors.js";
import { generateId, generateRandomString } from "../ids.js";
import { requireObject } from "../resources/lookup.js";
import { saveObject } from "../store.js";
import type { Wire } from "../wire.js";
import { buildNextAction } from "./authentication.js";
import type { BillingContext } from "./context.js";
import { declineOf, toLastError } from "./intent-outcomes.js";
import { toCardError } from "./invoice-actions.js";
import { attachPaymentMethod, findCardOf, resolvePaymentMethod } from "./payment-methods.js";

export type SetupIntent = Wire<Stripe.SetupIntent>;

export type SetupIntentInput = {
  customer: string | null;
  paymentMethod: string | null;
  description: string | null;
  metadata: Stripe.Metadata;
  usage: "off_session" | "on_session";
};

export function buildSetupIntent(context: BillingContext, input: SetupIntentInput): SetupIntent {
  const id = generateId("seti");
  return {
    id,
    object: "setup_intent",
    allowed_payment_method_types: null,
    application: null,
    automatic_payment_methods: null,
    cancellation_reason: null,
    client_secret: `${id}_secret_${generateRandomString(24)}`,
    created: context.account.clock.now(),
    customer: input.customer,
    description: input.description,
    excluded_payment_method_types: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: context.account.livemode,
    mandate: null,
    metadata: input.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: input.paymentMethod,
    payment_method_configuration_details: null,
    payment_method_options: {
      card: { mandate_options: null, network: null, request_three_d_secure: "automatic" },
    },
    payment_method_types: ["card"],
    single_use_mandate: null,
    status: input.paymentMethod ? "requires_confirmation" : "requires_payment_method",
    usage: input.usage,
  } satisfies SetupIntent;
}

/**
 * Confirms a SetupIntent with its payment method (a `pm_card_*` token makes a fresh card).
 * Success attaches the card to the intent's customer; a card that declines a setup leaves
 * `last_setup_error`, sends `setup_intent.setup_failed` and answers Stripe's 402.
 */
export function confirmSetupIntent(
  context: BillingContext,
  intentId: string,
  paymentMethodParam: string | null,
  returnUrl: string | null = null,
): SetupIntent {
  const { account } = context;
  const before = requireObject(account, "setup_intent", intentId);
  const requested = paymentMethodParam ?? (before.payment_method as string | null);
  const paymentMethod = requested
    ? resolvePaymentMethod(account, requested, "payment_method")
    : null;
  if (!paymentMethod) throw missingPaymentMethod();
  const decline = declineOf(paymentMethod, false);
  if (decline) {
    const failed = saveObject(account, "setup_intent", {
      ...before,
      payment_method: null,
      status: "requires_payment_method",
      last_setup_error: toLastError(decline, paymentMethod),
    });
    emitEvent(account, "setup_intent.setup_failed", failed, undefined, context);
    throw toCardError(decline);
  }
  // Setting a card up is when Stripe authenticates it, so every 3-D Secure card asks here.
  if (findCardOf(paymentMethod)?.authentication) {
    const waiting = saveObject(account, "setup_intent", {
      ...before,
      last_setup_error: null,
      next_action: buildNextAction(context, before.id, returnUrl),
      payment_method: paymentMethod.id,
      status: "requires_action",
    });
    emitEvent(account, "setup_intent.requires_action", waiting, undefined, context);
    return waiting;
  }
  return succeedSetupIntent(context, intentId, paymentMethod.id);
}

/** Attaches the card to the intent's customer and sends `setup_intent.succeeded`. */
export function succeedSetupIntent(
  context: BillingContext,
  intentId: string,
  paymentMethodId: string,
): SetupIntent {
  const { account } = context;
  const before = requireObject(account, "setup_intent", intentId);
  if (typeof before.customer === "string") {
    attachPaymentMethod(account, paymentMethodId, before.customer, context);
  }
  const succeeded = saveObject(account, "setup_intent", {
    ...before,
    next_action: null,
    payment_method: paymentMethodId,
    status: "succeeded",
    last_setup_error: null,
    latest_attempt: generateId("setatt"),
  });
  emitEvent(account, "setup_intent.succeeded", succeeded, undefined, context);
  return succeeded;
}

function missingPaymentMethod() {
  return invalidRequest(
    "You cannot confirm this SetupIntent because it's missing a payment method. You can either update the SetupIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.",
    undefined,
    "setup_intent_unexpected_state",
  );
}
