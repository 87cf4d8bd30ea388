import type { BillingContext } from "../billing/context.js";
import { toActionRequiredError, toCardError } from "../billing/invoice-actions.js";
import { resolveCustomerPaymentMethod } from "../billing/payment-method-tokens.js";
import {
  type FirstInvoicePlan,
  issueFirstInvoice,
  planFirstInvoice,
  settleSubscription,
} from "../billing/subscription-invoicing.js";
import { warnIfTrialEndsSoon } from "../billing/trial-end.js";
import { emitEvent } from "../events.js";
import { invalidRequest } from "../http/errors.js";
import { expandObject } from "../http/expand.js";
import { parseParams } from "../http/params.js";
import type { ApiRequest } from "../http/route.js";
import { generateId } from "../ids.js";
import { saveObject } from "../store.js";
import { applyMetadata, emptyToNull } from "./common.js";
import { requireLiveCustomer } from "./lookup.js";
import { requireRecurringPrice } from "./prices.js";
import { assertCompatibleItems, periodEndOf, type Subscription } from "./subscription-changes.js";
import { buildSubscriptionItem, computePeriod, toItemList } from "./subscription-items.js";
import { type CreateSubscriptionParams, createSubscriptionSchema } from "./subscription-params.js";

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

/** Builds the subscription a create request describes, before its first invoice. */
function buildNewSubscription(context: BillingContext, params: CreateSubscriptionParams) {
  const { account } = context;
  const customer = requireLiveCustomer(account, params.customer, "customer");
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
  const requested = emptyToNull(params.default_payment_method, null);
  const defaultPaymentMethod = requested
    ? resolveCustomerPaymentMethod(
        account,
        customer.id,
        requested,
        "default_payment_method",
        context,
      ).id
    : null;
  const cancelAtPeriodEnd = params.cancel_at_period_end ?? false;
  return {
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
    default_payment_method: defaultPaymentMethod,
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
    // The first invoice's outcome decides between active and incomplete.
    status: trialEnd ? "trialing" : "incomplete",
    test_clock: customer.test_clock ?? null,
    transfer_data: null,
    trial_end: trialEnd,
    trial_settings: {
      end_behavior: {
        billing_cycle_anchor: null,
        missing_payment_method:
          params.trial_settings?.end_behavior.missing_payment_method ?? "create_invoice",
      },
    },
    trial_start: trialEnd ? now : null,
  } satisfies Subscription;
}

export type StartOptions = {
  paymentBehavior?: string | undefined;
  /**
   * Hosted checkout announces the subscription as `incomplete` and then moves it to
   * `active` with `customer.subscription.updated` once the first invoice is paid; the API
   * announces the final status straight away.
   */
  announceIncomplete?: boolean;
};

/**
 * Creates a subscription and its first invoice (`subscription_create`). A decline with
 * `payment_behavior=error_if_incomplete` fails with a 402 and saves nothing.
 */
export function startSubscription(
  context: BillingContext,
  params: CreateSubscriptionParams,
  options: StartOptions = {},
): Subscription {
  const { account } = context;
  const draft = buildNewSubscription(context, params);
  const plan: FirstInvoicePlan = planFirstInvoice(account, draft, options.paymentBehavior);
  if (plan.decline && options.paymentBehavior === "error_if_incomplete") {
    throw toCardError(plan.decline);
  }
  if (plan.requiresAction && options.paymentBehavior === "error_if_incomplete") {
    throw toActionRequiredError();
  }
  const announced: Subscription = {
    ...draft,
    status: options.announceIncomplete && plan.status === "active" ? "incomplete" : plan.status,
    latest_invoice: plan.invoiceId,
  };
  saveObject(account, "subscription", announced);
  emitEvent(account, "customer.subscription.created", announced, undefined, context);
  const { invoice } = issueFirstInvoice(context, announced, plan);
  const settled = settleSubscription(context, announced.id, invoice, "incomplete");
  warnIfTrialEndsSoon(context, settled);
  return settled;
}

export function createSubscription(request: ApiRequest) {
  const params = parseParams(createSubscriptionSchema, request.params);
  const subscription = startSubscription(request, params, {
    paymentBehavior: params.payment_behavior,
  });
  return expandObject(request.account, subscription, params.expand);
}
