import { emitEvent } from "../events.js";
import { invalidRequest } from "../http/errors.js";
import { expandObject } from "../http/expand.js";
import { matchesRange } from "../http/list.js";
import { parseParams } from "../http/params.js";
import { type ApiRequest, defineRoute } from "../http/route.js";
import { generateId } from "../ids.js";
import { saveObject } from "../store.js";
import { applyMetadata, emptyToNull } from "./common.js";
import { createListHandler, createRetrieveHandler, saveUpdate } from "./crud.js";
import { requireLiveCustomer, requireObject, requirePaymentMethod } from "./lookup.js";
import { requireRecurringPrice } from "./prices.js";
import {
  applyItemChanges,
  assertCompatibleItems,
  periodEndOf,
  restartPeriods,
  type Subscription,
} from "./subscription-changes.js";
import { buildSubscriptionItem, computePeriod, toItemList } from "./subscription-items.js";
import {
  type CreateSubscriptionParams,
  cancelSubscriptionSchema,
  createSubscriptionSchema,
  listSubscriptionsSchema,
  type UpdateSubscriptionParams,
  updateSubscriptionSchema,
} from "./subscription-params.js";

const DAY = 86_400;

function resolveTrialEnd(
  params: CreateSubscriptionParams,
  now: number,
  planTrialDays: number | null,
) {
  if (params.trial_end === "now") return null;
  if (params.trial_end !== undefined) {
    if (params.trial_end <= now) {
      throw invalidRequest(
        "Invalid timestamp: must be an integer Unix timestamp in the future.",
        "trial_end",
      );
    }
    return params.trial_end;
  }
  if (params.trial_period_days) return now + params.trial_period_days * DAY;
  if (params.trial_from_plan && planTrialDays) return now + planTrialDays * DAY;
  return null;
}

function createSubscription(request: ApiRequest) {
  const { account } = request;
  const params = parseParams(createSubscriptionSchema, request.params);
  const customer = requireLiveCustomer(account, params.customer, "customer");
  if (params.default_payment_method) {
    requirePaymentMethod(account, params.default_payment_method, "default_payment_method");
  }
  const prices = params.items.map((item, i) =>
    requireRecurringPrice(account, item.price, `items[${i}][price]`),
  );
  const now = account.clock.now();
  const trialEnd = resolveTrialEnd(params, now, prices[0]?.recurring?.trial_period_days ?? null);
  const id = generateId("sub");
  const items = params.items.map((item, i) => {
    const price = prices[i] ?? prices[0];
    if (!price)
      throw invalidRequest("Missing required param: items.", "items", "parameter_missing");
    return buildSubscriptionItem({
      subscriptionId: id,
      price,
      quantity: item.quantity ?? 1,
      metadata: applyMetadata({}, item.metadata),
      period: computePeriod(price, now, trialEnd),
      created: now,
    });
  });
  assertCompatibleItems(items);
  const cancelAtPeriodEnd = params.cancel_at_period_end ?? false;
  const subscription = saveObject(account, "subscription", {
    id,
    object: "subscription",
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: trialEnd ?? now,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: { proration_discounts: "included" }, type: "flexible" },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: cancelAtPeriodEnd
      ? periodEndOf(items)
      : (emptyToNull(params.cancel_at, null) ?? null),
    cancel_at_period_end: cancelAtPeriodEnd,
    canceled_at: cancelAtPeriodEnd ? now : null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    collection_method: params.collection_method ?? "charge_automatically",
    created: now,
    currency: items[0]?.price.currency ?? "usd",
    customer: customer.id,
    customer_account: null,
    days_until_due: params.days_until_due ?? null,
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: emptyToNull(params.description, null),
    discounts: [],
    ended_at: null,
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      description: null,
      footer: null,
      issuer: { type: "self" },
    },
    items: toItemList(id, items),
    latest_invoice: null,
    livemode: account.livemode,
    managed_payments: null,
    metadata: applyMetadata({}, params.metadata),
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: {
      payment_method_options: null,
      payment_method_types: null,
      save_default_payment_method: "off",
    },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: now,
    // Invoicing is not emulated yet, so first invoices are treated as paid.
    status: trialEnd ? "trialing" : "active",
    test_clock: null,
    transfer_data: null,
    trial_end: trialEnd,
    trial_settings: {
      end_behavior: { billing_cycle_anchor: null, missing_payment_method: "create_invoice" },
    },
    trial_start: trialEnd ? now : null,
  } satisfies Subscription);
  emitEvent(account, "customer.subscription.created", subscription, undefined, request);
  return expandObject(account, subscription, params.expand);
}

/** Stripe freezes canceled subscriptions except for bookkeeping fields. */
function assertUpdatable(subscription: Subscription, params: UpdateSubscriptionParams) {
  if (subscription.status !== "canceled") return;
  const allowed = new Set(["metadata", "cancellation_details", "expand"]);
  if (Object.keys(params).some((key) => !allowed.has(key))) {
    throw invalidRequest(
      "A canceled subscription can only update its cancellation_details and metadata.",
    );
  }
}

function applySubscriptionChanges(
  request: ApiRequest,
  before: Subscription,
  params: UpdateSubscriptionParams,
) {
  const now = request.account.clock.now();
  let items = params.items
    ? applyItemChanges(request.account, before, params.items)
    : before.items.data;
  let trial = {
    status: before.status,
    trial_end: before.trial_end,
    anchor: before.billing_cycle_anchor,
  };
  if (params.trial_end === "now" && before.status === "trialing") {
    items = restartPeriods(items, now);
    trial = { status: "active", trial_end: now, anchor: now };
  }
  const cancelAtPeriodEnd = params.cancel_at_period_end ?? before.cancel_at_period_end;
  const scheduleChanged =
    params.cancel_at_period_end !== undefined &&
    params.cancel_at_period_end !== before.cancel_at_period_end;
  const details = params.cancellation_details;
  return {
    ...before,
    billing_cycle_anchor: trial.anchor,
    cancel_at: scheduleChanged
      ? cancelAtPeriodEnd
        ? periodEndOf(items)
        : null
      : params.cancel_at !== undefined
        ? emptyToNull(params.cancel_at, null)
        : before.cancel_at,
    cancel_at_period_end: cancelAtPeriodEnd,
    canceled_at: scheduleChanged ? (cancelAtPeriodEnd ? now : null) : before.canceled_at,
    cancellation_details: {
      comment: emptyToNull(details?.comment, before.cancellation_details?.comment ?? null),
      feedback: emptyToNull(details?.feedback, before.cancellation_details?.feedback ?? null),
      feedback_option: before.cancellation_details?.feedback_option ?? null,
      reason: before.cancellation_details?.reason ?? null,
    },
    collection_method: params.collection_method ?? before.collection_method,
    days_until_due: params.days_until_due ?? before.days_until_due,
    description: emptyToNull(params.description, before.description),
    items: toItemList(before.id, items),
    metadata: applyMetadata(before.metadata, params.metadata),
    status: trial.status,
    trial_end: trial.trial_end,
  } satisfies Subscription;
}

function updateSubscription(request: ApiRequest) {
  const { account } = request;
  const params = parseParams(updateSubscriptionSchema, request.params);
  const before = requireObject(account, "subscription", request.pathParams.id ?? "");
  assertUpdatable(before, params);
  if (params.default_payment_method) {
    requirePaymentMethod(account, params.default_payment_method, "default_payment_method");
  }
  const after = applySubscriptionChanges(request, before, params);
  saveUpdate(request, "subscription", before, after, "customer.subscription.updated");
  return expandObject(account, after, params.expand);
}

function cancelSubscription(request: ApiRequest) {
  const { account } = request;
  const params = parseParams(cancelSubscriptionSchema, request.params);
  const before = requireObject(account, "subscription", request.pathParams.id ?? "");
  if (before.status === "canceled") {
    throw invalidRequest("This subscription has already been canceled.");
  }
  const now = account.clock.now();
  const details = params.cancellation_details;
  const after = saveObject(account, "subscription", {
    ...before,
    canceled_at: now,
    ended_at: now,
    status: "canceled",
    cancellation_details: {
      comment: emptyToNull(details?.comment, null),
      feedback: emptyToNull(details?.feedback, null),
      feedback_option: null,
      reason: "cancellation_requested",
    },
  });
  emitEvent(account, "customer.subscription.deleted", after, undefined, request);
  return expandObject(account, after, params.expand);
}

const listSubscriptions = createListHandler(
  "subscription",
  "/v1/subscriptions",
  listSubscriptionsSchema,
  (params) => {
    const price = params.price ?? params.plan;
    const status = params.status;
    return (subscription) =>
      (status === undefined
        ? subscription.status !== "canceled"
        : status === "all" ||
          subscription.status === status ||
          (status === "ended" &&
            ["canceled", "incomplete_expired"].includes(subscription.status))) &&
      (params.customer === undefined || subscription.customer === params.customer) &&
      (price === undefined || subscription.items.data.some((item) => item.price.id === price)) &&
      (params.collection_method === undefined ||
        subscription.collection_method === params.collection_method) &&
      matchesRange(subscription.created, params.created) &&
      subscription.items.data.some(
        (item) =>
          matchesRange(item.current_period_start, params.current_period_start) &&
          matchesRange(item.current_period_end, params.current_period_end),
      );
  },
);

export const subscriptionRoutes = [
  defineRoute("POST", "/v1/subscriptions", createSubscription),
  defineRoute("GET", "/v1/subscriptions", listSubscriptions),
  defineRoute("GET", "/v1/subscriptions/:id", createRetrieveHandler("subscription")),
  defineRoute("POST", "/v1/subscriptions/:id", updateSubscription),
  defineRoute("DELETE", "/v1/subscriptions/:id", cancelSubscription),
];
