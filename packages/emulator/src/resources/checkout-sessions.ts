import { z } from "zod";
import {
  buildLineItems,
  buildSession,
  type CheckoutSession,
  generateSessionId,
  type SessionInput,
} from "../billing/checkout-build.js";
import { expireCheckoutSession } from "../billing/checkout-complete.js";
import { invalidRequest } from "../http/errors.js";
import { expandObject } from "../http/expand.js";
import { listArray, matchesRange } from "../http/list.js";
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
import { applyMetadata, assertValidUrl, notEmulated } from "./common.js";
import { createListHandler } from "./crud.js";
import { requireLiveCustomer, requireObject } from "./lookup.js";
import { requireOneTimePrice, requireRecurringPrice } from "./prices.js";

const createSchema = z.strictObject({
  mode: formEnum(["payment", "setup", "subscription"]),
  customer: formString().optional(),
  customer_email: formString().optional(),
  client_reference_id: formString().optional(),
  metadata: metadataParam().optional(),
  success_url: formString().optional(),
  cancel_url: formString().optional(),
  currency: formString().optional(),
  expires_at: formInteger().optional(),
  line_items: z
    .array(z.strictObject({ price: formString(), quantity: formInteger({ min: 1 }).optional() }))
    .optional(),
  subscription_data: z
    .strictObject({
      metadata: metadataParam().optional(),
      trial_period_days: formInteger({ min: 1, max: 730 }).optional(),
      description: notEmulated().optional(),
      trial_end: notEmulated().optional(),
    })
    .optional(),
  // Accepted and ignored: the emulator has no promotion codes.
  allow_promotion_codes: formBoolean().optional(),
  payment_method_types: z.array(z.string()).optional(),
  billing_address_collection: formEnum(["auto", "required"]).optional(),
  customer_creation: formEnum(["always", "if_required"]).optional(),
  payment_method_collection: formEnum(["always", "if_required"]).optional(),
  locale: z.string().optional(),
  ui_mode: formEnum(["hosted_page", "hosted"]).optional(),
  expand: expandParam(),
  automatic_tax: notEmulated().optional(),
  discounts: notEmulated().optional(),
  payment_intent_data: z
    .strictObject({
      description: z.string().optional(),
      metadata: metadataParam().optional(),
      receipt_email: z.string().optional(),
      setup_future_usage: formEnum(["off_session", "on_session"]).optional(),
      // Shipping is shown on Stripe's page only; accepted so Stripe's CLI fixture runs.
      shipping: z.unknown().optional(),
      capture_method: notEmulated().optional(),
      statement_descriptor: notEmulated().optional(),
      transfer_data: notEmulated().optional(),
    })
    .optional(),
  return_url: notEmulated().optional(),
  setup_intent_data: notEmulated().optional(),
  tax_id_collection: notEmulated().optional(),
});

const listSchema = z.strictObject({
  ...listParamShape,
  created: rangeFilter().optional(),
  customer: z.string().optional(),
  status: formEnum(["complete", "expired", "open"]).optional(),
  subscription: z.string().optional(),
  customer_details: z.strictObject({ email: z.string() }).optional(),
  payment_intent: notEmulated().optional(),
  payment_link: notEmulated().optional(),
});

const retrieveSchema = z.strictObject({ expand: expandParam() });

type CreateParams = z.output<typeof createSchema>;

function resolveInput(request: ApiRequest, params: CreateParams): SessionInput {
  const { account } = request;
  if (params.customer && params.customer_email) {
    throw invalidRequest(
      "You may only specify one of these parameters: customer, customer_email.",
      "customer_email",
    );
  }
  if (params.customer) requireLiveCustomer(account, params.customer, "customer");
  if (!params.success_url) {
    throw invalidRequest(
      "Missing required param: success_url.",
      "success_url",
      "parameter_missing",
    );
  }
  assertValidUrl(params.success_url, "success_url");
  if (params.cancel_url) assertValidUrl(params.cancel_url, "cancel_url");
  const items = params.line_items ?? [];
  if (params.mode === "subscription" && items.length === 0) {
    throw invalidRequest(
      "You must provide at least one recurring price in `subscription` mode when using prices.",
      "line_items",
    );
  }
  if (params.mode === "setup" && items.length > 0) {
    throw invalidRequest("You cannot pass `line_items` in `setup` mode.", "line_items");
  }
  if (params.mode === "payment" && items.length === 0) {
    throw invalidRequest("`line_items` is required in `payment` mode.", "line_items");
  }
  if (params.mode !== "payment" && params.payment_intent_data) {
    throw invalidRequest(
      "You can only specify `payment_intent_data` in `payment` mode.",
      "payment_intent_data",
    );
  }
  const requirePrice = params.mode === "payment" ? requireOneTimePrice : requireRecurringPrice;
  const intentData = params.payment_intent_data;
  return {
    mode: params.mode,
    customer: params.customer ?? null,
    customerEmail: params.customer_email ?? null,
    clientReferenceId: params.client_reference_id ?? null,
    metadata: applyMetadata({}, params.metadata),
    successUrl: params.success_url,
    cancelUrl: params.cancel_url ?? null,
    allowPromotionCodes: params.allow_promotion_codes ?? null,
    currency: params.currency ?? null,
    expiresAt: params.expires_at ?? null,
    lines: items.map((item, index) => ({
      price: requirePrice(account, item.price, `line_items[${index}][price]`),
      quantity: item.quantity ?? 1,
    })),
    subscriptionData: {
      metadata: applyMetadata({}, params.subscription_data?.metadata),
      trialPeriodDays: params.subscription_data?.trial_period_days ?? null,
    },
    customerCreation: params.customer_creation ?? null,
    paymentIntentData: intentData
      ? {
          description: intentData.description ?? null,
          metadata: applyMetadata({}, intentData.metadata),
          receipt_email: intentData.receipt_email ?? null,
          setup_future_usage: intentData.setup_future_usage ?? null,
        }
      : null,
  };
}

/** `line_items` is not an id, so it is expanded here rather than by `expandObject`. */
function expandSession(request: ApiRequest, session: CheckoutSession, paths?: string[]) {
  const wantsLines = paths?.includes("line_items") ?? false;
  const rest = paths?.filter((path) => path !== "line_items");
  const expanded = expandObject(request.account, session, rest);
  if (!wantsLines) return expanded;
  const lines = request.account.collections["checkout.session.line_items"].get(session.id);
  const url = `/v1/checkout/sessions/${session.id}/line_items`;
  return { ...expanded, line_items: listArray(lines?.data ?? [], {}, url) };
}

function createSession(request: ApiRequest) {
  const params = parseParams(createSchema, request.params);
  const input = resolveInput(request, params);
  const { account } = request;
  const id = generateSessionId(account.livemode);
  const session = buildSession(account, id, `${request.origin}/c/pay/${id}`, input);
  saveObject(account, "checkout.session.line_items", buildLineItems(account, id, input));
  saveObject(account, "checkout.session", session);
  request.store.hostedLinks.set(id, { account, objectId: id });
  return expandSession(request, session, params.expand);
}

function retrieveSession(request: ApiRequest) {
  const params = parseParams(retrieveSchema, request.params);
  const session = requireObject(request.account, "checkout.session", request.pathParams.id ?? "");
  return expandSession(request, session, params.expand);
}

function expireSession(request: ApiRequest) {
  const params = parseParams(retrieveSchema, request.params);
  const before = requireObject(request.account, "checkout.session", request.pathParams.id ?? "");
  if (before.status !== "open") {
    throw invalidRequest(
      `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${before.status}".`,
    );
  }
  return expandSession(request, expireCheckoutSession(request, before.id), params.expand);
}

function listLineItems(request: ApiRequest) {
  const params = parseParams(z.strictObject({ ...listParamShape }), request.params);
  const session = requireObject(request.account, "checkout.session", request.pathParams.id ?? "");
  const lines = request.account.collections["checkout.session.line_items"].get(session.id);
  const url = `/v1/checkout/sessions/${session.id}/line_items`;
  return expandObject(request.account, listArray(lines?.data ?? [], params, url), params.expand);
}

const listSessions = createListHandler(
  "checkout.session",
  "/v1/checkout/sessions",
  listSchema,
  (params) => (session) =>
    (params.customer === undefined || session.customer === params.customer) &&
    (params.subscription === undefined || session.subscription === params.subscription) &&
    (params.status === undefined || session.status === params.status) &&
    (params.customer_details === undefined ||
      session.customer_details?.email === params.customer_details.email) &&
    matchesRange(session.created, params.created),
);

export const checkoutSessionRoutes = [
  defineRoute("POST", "/v1/checkout/sessions", createSession),
  defineRoute("GET", "/v1/checkout/sessions", listSessions),
  defineRoute("GET", "/v1/checkout/sessions/:id", retrieveSession),
  defineRoute("POST", "/v1/checkout/sessions/:id/expire", expireSession),
  defineRoute("GET", "/v1/checkout/sessions/:id/line_items", listLineItems),
];
