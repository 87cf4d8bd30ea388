import { z } from "zod";
import { resolvePaymentMethod } from "../billing/payment-methods.js";
import {
  buildSetupIntent,
  confirmSetupIntent,
  type SetupIntent,
} from "../billing/setup-intents.js";
import { emitEvent } from "../events.js";
import { invalidRequest } from "../http/errors.js";
import { expandObject } from "../http/expand.js";
import { matchesRange } from "../http/list.js";
import {
  expandParam,
  formBoolean,
  formEnum,
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

const unmodeledShape = {
  mandate_data: notEmulated().optional(),
  payment_method_data: notEmulated().optional(),
  payment_method_options: notEmulated().optional(),
  confirmation_token: notEmulated().optional(),
  // Where a 3-D Secure card's `redirect_to_url` brings the customer back to.
  return_url: z.string().optional(),
  use_stripe_sdk: formBoolean().optional(),
};

const createSchema = z.strictObject({
  ...unmodeledShape,
  automatic_payment_methods: z
    .strictObject({
      enabled: formBoolean(),
      allow_redirects: formEnum(["always", "never"]).optional(),
    })
    .optional(),
  confirm: formBoolean().optional(),
  customer: formString().optional(),
  description: z.string().optional(),
  expand: expandParam(),
  metadata: metadataParam().optional(),
  payment_method: formString().optional(),
  payment_method_types: z.array(formEnum(["card"])).optional(),
  usage: formEnum(["off_session", "on_session"]).optional(),
  allowed_payment_method_types: notEmulated().optional(),
  attach_to_self: notEmulated().optional(),
  customer_account: notEmulated().optional(),
  excluded_payment_method_types: notEmulated().optional(),
  flow_directions: notEmulated().optional(),
  on_behalf_of: notEmulated().optional(),
  payment_method_configuration: notEmulated().optional(),
  single_use: notEmulated().optional(),
});

const confirmSchema = z.strictObject({
  ...unmodeledShape,
  expand: expandParam(),
  payment_method: formString().optional(),
  allowed_payment_method_types: notEmulated().optional(),
});

const updateSchema = z.strictObject({
  customer: formString().optional(),
  description: z.string().optional(),
  expand: expandParam(),
  metadata: metadataParam().optional(),
  payment_method: formString().optional(),
  payment_method_types: z.array(formEnum(["card"])).optional(),
  attach_to_self: notEmulated().optional(),
  excluded_payment_method_types: notEmulated().optional(),
  flow_directions: notEmulated().optional(),
  payment_method_configuration: notEmulated().optional(),
  payment_method_data: notEmulated().optional(),
  payment_method_options: notEmulated().optional(),
});

const cancelSchema = z.strictObject({
  cancellation_reason: formEnum(["abandoned", "duplicate", "requested_by_customer"]).optional(),
  expand: expandParam(),
});

const listSchema = z.strictObject({
  ...listParamShape,
  created: rangeFilter().optional(),
  customer: z.string().optional(),
  payment_method: z.string().optional(),
  attach_to_self: notEmulated().optional(),
  customer_account: notEmulated().optional(),
});

function createIntent(request: ApiRequest) {
  const { account } = request;
  const params = parseParams(createSchema, request.params);
  if (params.customer) requireLiveCustomer(account, params.customer, "customer");
  const intent = saveObject(
    account,
    "setup_intent",
    buildSetupIntent(request, {
      customer: params.customer ?? null,
      paymentMethod: params.payment_method ?? null,
      description: params.description ?? null,
      metadata: applyMetadata({}, params.metadata),
      usage: params.usage ?? "off_session",
    }),
  );
  emitEvent(account, "setup_intent.created", intent, undefined, request);
  const returnUrl = params.return_url ?? null;
  const result = params.confirm ? confirmSetupIntent(request, intent.id, null, returnUrl) : intent;
  return expandObject(account, result, params.expand);
}

const CONFIRMABLE = new Set([
  "requires_payment_method",
  "requires_confirmation",
  "requires_action",
]);

function requireStatus(intent: SetupIntent, allowed: ReadonlySet<string>, action: string) {
  if (!allowed.has(intent.status)) {
    throw invalidRequest(
      `You cannot ${action} this SetupIntent because it has a status of ${intent.status}.`,
      undefined,
      "setup_intent_unexpected_state",
    );
  }
}

function confirmIntent(request: ApiRequest) {
  const params = parseParams(confirmSchema, request.params);
  const intent = requireObject(request.account, "setup_intent", request.pathParams.id ?? "");
  requireStatus(intent, CONFIRMABLE, "confirm");
  const paymentMethod = params.payment_method ?? null;
  const returnUrl = params.return_url ?? null;
  const confirmed = confirmSetupIntent(request, intent.id, paymentMethod, returnUrl);
  return expandObject(request.account, confirmed, params.expand);
}

/** Stripe's `setup_intent` events do not include an update one, so none is sent. */
function updateIntent(request: ApiRequest) {
  const { account } = request;
  const params = parseParams(updateSchema, request.params);
  const before = requireObject(account, "setup_intent", request.pathParams.id ?? "");
  requireStatus(before, CONFIRMABLE, "update");
  if (params.customer) requireLiveCustomer(account, params.customer, "customer");
  const paymentMethod = params.payment_method
    ? resolvePaymentMethod(account, params.payment_method, "payment_method").id
    : (before.payment_method as string | null);
  const after = saveObject(account, "setup_intent", {
    ...before,
    customer: params.customer ?? before.customer,
    description: params.description ?? before.description,
    metadata: applyMetadata(before.metadata, params.metadata),
    payment_method: paymentMethod,
    status: paymentMethod ? "requires_confirmation" : before.status,
  });
  return expandObject(account, after, params.expand);
}

function cancelIntent(request: ApiRequest) {
  const params = parseParams(cancelSchema, request.params);
  const before = requireObject(request.account, "setup_intent", request.pathParams.id ?? "");
  requireStatus(before, CONFIRMABLE, "cancel");
  const canceled = saveObject(request.account, "setup_intent", {
    ...before,
    status: "canceled",
    cancellation_reason: params.cancellation_reason ?? null,
  });
  emitEvent(request.account, "setup_intent.canceled", canceled, undefined, request);
  return expandObject(request.account, canceled, params.expand);
}

const listIntents = createListHandler(
  "setup_intent",
  "/v1/setup_intents",
  listSchema,
  (params) => (intent) =>
    (params.customer === undefined || intent.customer === params.customer) &&
    (params.payment_method === undefined || intent.payment_method === params.payment_method) &&
    matchesRange(intent.created, params.created),
);

export const setupIntentRoutes = [
  defineRoute("POST", "/v1/setup_intents", createIntent),
  defineRoute("GET", "/v1/setup_intents", listIntents),
  defineRoute("GET", "/v1/setup_intents/:id", createRetrieveHandler("setup_intent")),
  defineRoute("POST", "/v1/setup_intents/:id", updateIntent),
  defineRoute("POST", "/v1/setup_intents/:id/confirm", confirmIntent),
  defineRoute("POST", "/v1/setup_intents/:id/cancel", cancelIntent),
];
