import { z } from "zod";
import { settleIntentInvoice } from "../billing/authentication-complete.js";
import { toCardError } from "../billing/invoice-actions.js";
import {
  confirmPaymentIntent,
  createPaymentIntent,
  type PaymentIntent,
} from "../billing/payment-intents.js";
import { emitEvent } from "../events.js";
import { invalidRequest } from "../http/errors.js";
import { expandObject } from "../http/expand.js";
import { matchesRange } from "../http/list.js";
import {
  expandParam,
  formBoolean,
  formEnum,
  formInteger,
  formString,
  listParamShape,
  metadataParam,
  parseParams,
  rangeFilter,
} from "../http/params.js";
import { type ApiRequest, defineRoute } from "../http/route.js";
import { saveObject } from "../store.js";
import { applyMetadata, notEmulated } from "./common.js";
import { createListHandler, createRetrieveHandler } from "./crud.js";
import { requireLiveCustomer, requireObject } from "./lookup.js";

const confirmShape = {
  expand: expandParam(),
  payment_method: formString().optional(),
  off_session: formBoolean().optional(),
  // Where a 3-D Secure card's `redirect_to_url` brings the customer back to.
  return_url: z.string().optional(),
  use_stripe_sdk: formBoolean().optional(),
  confirmation_token: notEmulated().optional(),
  mandate: notEmulated().optional(),
  mandate_data: notEmulated().optional(),
  payment_method_data: notEmulated().optional(),
  payment_method_options: notEmulated().optional(),
  radar_options: notEmulated().optional(),
};

const createSchema = z.strictObject({
  ...confirmShape,
  amount: formInteger({ min: 1 }),
  currency: formString(),
  automatic_payment_methods: z
    .strictObject({
      enabled: formBoolean(),
      allow_redirects: formEnum(["always", "never"]).optional(),
    })
    .optional(),
  confirm: formBoolean().optional(),
  customer: formString().optional(),
  description: z.string().optional(),
  metadata: metadataParam().optional(),
  payment_method_types: z.array(formEnum(["card"])).optional(),
  receipt_email: z.string().optional(),
  setup_future_usage: formEnum(["off_session", "on_session"]).optional(),
  shipping: notEmulated().optional(),
  statement_descriptor: notEmulated().optional(),
  statement_descriptor_suffix: notEmulated().optional(),
  capture_method: formEnum(["automatic", "automatic_async"]).optional(),
  application_fee_amount: notEmulated().optional(),
  on_behalf_of: notEmulated().optional(),
  transfer_data: notEmulated().optional(),
  transfer_group: notEmulated().optional(),
});

const confirmSchema = z.strictObject(confirmShape);

const cancelSchema = z.strictObject({
  cancellation_reason: formEnum([
    "abandoned",
    "duplicate",
    "fraudulent",
    "requested_by_customer",
  ]).optional(),
  expand: expandParam(),
});

const listSchema = z.strictObject({
  ...listParamShape,
  created: rangeFilter().optional(),
  customer: z.string().optional(),
  customer_account: notEmulated().optional(),
});

/**
 * A decline is saved on the intent and then answered with Stripe's 402. An invoice's intent
 * (one waiting for 3-D Secure) takes its invoice along when it settles.
 */
function confirmOrThrow(
  request: ApiRequest,
  id: string,
  params: z.infer<typeof confirmSchema>,
): PaymentIntent {
  const { intent, decline } = confirmPaymentIntent(request, id, params.payment_method ?? null, {
    returnUrl: params.return_url ?? null,
    offSession: params.off_session ?? false,
  });
  settleIntentInvoice(request, intent);
  if (decline) throw toCardError(decline);
  return intent;
}

function createIntent(request: ApiRequest) {
  const { account } = request;
  const params = parseParams(createSchema, request.params);
  if (params.customer) requireLiveCustomer(account, params.customer, "customer");
  const intent = createPaymentIntent(request, {
    amount: params.amount,
    currency: params.currency.toLowerCase(),
    customer: params.customer ?? null,
    paymentMethod: params.payment_method ?? null,
    description: params.description ?? null,
    metadata: applyMetadata({}, params.metadata),
    receiptEmail: params.receipt_email ?? null,
    setupFutureUsage: params.setup_future_usage ?? null,
    shipping: null,
  });
  const result = params.confirm
    ? confirmOrThrow(request, intent.id, { ...params, payment_method: undefined })
    : intent;
  return expandObject(account, result, params.expand);
}

const OPEN = new Set(["requires_payment_method", "requires_confirmation", "requires_action"]);

function requireOpen(intent: PaymentIntent, action: string) {
  if (!OPEN.has(intent.status)) {
    throw invalidRequest(
      `You cannot ${action} this PaymentIntent because it has a status of ${intent.status}.`,
      undefined,
      "payment_intent_unexpected_state",
    );
  }
}

function confirmIntent(request: ApiRequest) {
  const params = parseParams(confirmSchema, request.params);
  const intent = requireObject(request.account, "payment_intent", request.pathParams.id ?? "");
  requireOpen(intent, "confirm");
  const confirmed = confirmOrThrow(request, intent.id, params);
  return expandObject(request.account, confirmed, params.expand);
}

function cancelIntent(request: ApiRequest) {
  const params = parseParams(cancelSchema, request.params);
  const before = requireObject(request.account, "payment_intent", request.pathParams.id ?? "");
  requireOpen(before, "cancel");
  const canceled = saveObject(request.account, "payment_intent", {
    ...before,
    status: "canceled",
    canceled_at: request.account.clock.now(),
    cancellation_reason: params.cancellation_reason ?? null,
  });
  emitEvent(request.account, "payment_intent.canceled", canceled, undefined, request);
  return expandObject(request.account, canceled, params.expand);
}

const listIntents = createListHandler(
  "payment_intent",
  "/v1/payment_intents",
  listSchema,
  (params) => (intent) =>
    (params.customer === undefined || intent.customer === params.customer) &&
    matchesRange(intent.created, params.created),
);

export const paymentIntentRoutes = [
  defineRoute("POST", "/v1/payment_intents", createIntent),
  defineRoute("GET", "/v1/payment_intents", listIntents),
  defineRoute("GET", "/v1/payment_intents/:id", createRetrieveHandler("payment_intent")),
  defineRoute("POST", "/v1/payment_intents/:id/confirm", confirmIntent),
  defineRoute("POST", "/v1/payment_intents/:id/cancel", cancelIntent),
];
