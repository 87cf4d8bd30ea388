import { resolveCustomerPaymentMethod } from "../billing/payment-method-tokens.js";
import { applyProration, planProration } from "../billing/prorations.js";
import { onCustomerClock } from "../billing/test-clock-time.js";
import {
  applyEarlyTrialEnd,
  planEarlyTrialEnd,
  warnIfTrialEndsSoon,
} from "../billing/trial-end.js";
import { emitEvent } from "../events.js";
import { invalidRequest } from "../http/errors.js";
import { expandObject } from "../http/expand.js";
import { matchesRange } from "../http/list.js";
import { parseParams } from "../http/params.js";
import { type ApiRequest, defineRoute } from "../http/route.js";
import { saveObject } from "../store.js";
import { applyMetadata, emptyToNull } from "./common.js";
import { createListHandler, createRetrieveHandler, saveUpdate } from "./crud.js";
import { requireObject } from "./lookup.js";
import {
  applyItemChanges,
  extendTrialPeriods,
  periodEndOf,
  restartPeriods,
  type Subscription,
} from "./subscription-changes.js";
import { createSubscription } from "./subscription-create.js";
import { toItemList } from "./subscription-items.js";
import {
  cancelSubscriptionSchema,
  listSubscriptionsSchema,
  type UpdateSubscriptionParams,
  updateSubscriptionSchema,
} from "./subscription-params.js";
import { resumeSubscription } from "./subscription-resume.js";

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

/** `pause_collection` only stops invoices being collected; the status stays as it was. */
function resolvePauseCollection(before: Subscription, params: UpdateSubscriptionParams) {
  const pause = params.pause_collection;
  if (pause === undefined) return before.pause_collection;
  if (pause === "") return null;
  return { behavior: pause.behavior, resumes_at: pause.resumes_at ?? null };
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
  } else if (typeof params.trial_end === "number" && before.status === "trialing") {
    items = extendTrialPeriods(items, params.trial_end, now);
    trial = { status: "trialing", trial_end: params.trial_end, anchor: params.trial_end };
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
    pause_collection: resolvePauseCollection(before, params),
  } satisfies Subscription;
}

/** `POST /v1/subscriptions/:id`; the hosted portal calls it too, so both emit the same events. */
export function updateSubscription(request: ApiRequest) {
  const { account } = request;
  const params = parseParams(updateSubscriptionSchema, request.params);
  const before = requireObject(account, "subscription", request.pathParams.id ?? "");
  assertUpdatable(before, params);
  const defaultPaymentMethod = params.default_payment_method
    ? resolveCustomerPaymentMethod(
        account,
        before.customer as string,
        params.default_payment_method,
        "default_payment_method",
        request,
      ).id
    : params.default_payment_method;
  const changed = applySubscriptionChanges(request, before, params);
  const proration = planProration(
    account,
    before,
    changed,
    params.proration_behavior ?? "create_prorations",
    params.proration_date ?? account.clock.now(),
  );
  const withPaymentMethod = {
    ...changed,
    default_payment_method: emptyToNull(
      defaultPaymentMethod,
      before.default_payment_method as string | null,
    ),
  };
  const trialEnd = planEarlyTrialEnd(account, before, withPaymentMethod);
  const after = {
    ...withPaymentMethod,
    status: trialEnd?.kind === "pause" ? ("paused" as const) : withPaymentMethod.status,
    latest_invoice:
      (trialEnd?.kind === "invoice" ? trialEnd.invoiceId : null) ??
      proration.invoiceId ??
      before.latest_invoice,
  };
  saveUpdate(request, "subscription", before, after, "customer.subscription.updated");
  applyProration(request, after, proration);
  applyEarlyTrialEnd(request, after, trialEnd);
  warnIfTrialEndsSoon(request, after);
  return expandObject(account, requireObject(account, "subscription", after.id), params.expand);
}

/** `DELETE /v1/subscriptions/:id`; shared with the hosted portal's immediate cancel. */
export function cancelSubscription(request: ApiRequest) {
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

/** Changes to a test-clock customer's subscription happen at that clock's time. */
const customerOfPath = (request: ApiRequest) =>
  request.account.collections.subscription.get(request.pathParams.id ?? "")?.customer;

export const subscriptionRoutes = [
  defineRoute(
    "POST",
    "/v1/subscriptions",
    onCustomerClock(createSubscription, (request) => request.params.customer),
  ),
  defineRoute("GET", "/v1/subscriptions", listSubscriptions),
  defineRoute("GET", "/v1/subscriptions/:id", createRetrieveHandler("subscription")),
  defineRoute("POST", "/v1/subscriptions/:id", onCustomerClock(updateSubscription, customerOfPath)),
  defineRoute(
    "DELETE",
    "/v1/subscriptions/:id",
    onCustomerClock(cancelSubscription, customerOfPath),
  ),
  defineRoute(
    "POST",
    "/v1/subscriptions/:id/resume",
    onCustomerClock(resumeSubscription, customerOfPath),
  ),
];
