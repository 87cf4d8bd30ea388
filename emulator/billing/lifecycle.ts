import type Stripe from "stripe";
import { diffAttributes, emitEvent } from "../events.js";
import { generateRandomString } from "../ids.js";
import { addInterval } from "../resources/subscription-items.js";
import { saveObject } from "../store.js";
import type { Wire } from "../wire.js";
import type { BillingContext } from "./context.js";
import { takePendingProrations } from "./prorations.js";
import {
  collectSubscriptionInvoice,
  issueSubscriptionInvoice,
  periodLines,
  settleSubscription,
} from "./subscription-invoicing.js";

type Subscription = Wire<Stripe.Subscription>;

/** Stripe warns three days before a trial ends. */
const TRIAL_WARNING_SECONDS = 3 * 86_400;
const ENDED = new Set(["canceled", "incomplete_expired"]);
/** An unpaid first invoice gives up after 23 hours, as Stripe's does. */
const INCOMPLETE_LIFETIME_SECONDS = 23 * 3600;

function periodEndOf(subscription: Subscription): number {
  return Math.min(...subscription.items.data.map((item) => item.current_period_end));
}

function trialWarningSent(context: BillingContext, subscriptionId: string): boolean {
  for (const event of context.account.collections.event.values()) {
    if (
      event.type === "customer.subscription.trial_will_end" &&
      (event.data.object as { id?: string }).id === subscriptionId
    ) {
      return true;
    }
  }
  return false;
}

/** The next moment something is due for one subscription, or null. */
function nextDueAt(context: BillingContext, subscription: Subscription): number | null {
  if (ENDED.has(subscription.status)) return null;
  if (subscription.status === "incomplete") {
    return subscription.created + INCOMPLETE_LIFETIME_SECONDS;
  }
  const times = [periodEndOf(subscription)];
  if (subscription.cancel_at !== null) times.push(subscription.cancel_at);
  if (
    subscription.status === "trialing" &&
    subscription.trial_end !== null &&
    !trialWarningSent(context, subscription.id)
  ) {
    times.push(subscription.trial_end - TRIAL_WARNING_SECONDS);
  }
  return Math.min(...times);
}

/** Ends a subscription whose scheduled cancellation time has come. */
function endSubscription(context: BillingContext, subscription: Subscription, at: number) {
  const ended: Subscription = {
    ...subscription,
    status: "canceled",
    ended_at: at,
    canceled_at: subscription.canceled_at ?? at,
    cancellation_details: {
      comment: subscription.cancellation_details?.comment ?? null,
      feedback: subscription.cancellation_details?.feedback ?? null,
      feedback_option: subscription.cancellation_details?.feedback_option ?? null,
      reason: "cancellation_requested",
    },
  };
  saveObject(context.account, "subscription", ended);
  emitEvent(context.account, "customer.subscription.deleted", ended, undefined, context);
}

/**
 * Starts the next period on every item, then bills it (`subscription_cycle`): the period
 * change is announced first, then the invoice events, then any status change the charge
 * caused (`past_due` on a decline).
 */
function renewSubscription(context: BillingContext, before: Subscription) {
  const items = before.items.data.map((item) => {
    const recurring = item.price.recurring;
    const start = item.current_period_end;
    const end = recurring
      ? addInterval(start, recurring.interval, recurring.interval_count)
      : start;
    return { ...item, current_period_start: start, current_period_end: end };
  });
  const renewed: Subscription = {
    ...before,
    items: { ...before.items, data: items },
    status: before.status === "trialing" ? "active" : before.status,
    // The period change already names the invoice it causes, as in Stripe's event.
    latest_invoice: `in_${generateRandomString(24)}`,
  };
  saveObject(context.account, "subscription", renewed);
  emitEvent(
    context.account,
    "customer.subscription.updated",
    renewed,
    diffAttributes(before, renewed),
    context,
  );
  // Prorations left by `create_prorations` changes are billed with the next period.
  const lines = [
    ...takePendingProrations(context.account, renewed.id),
    ...periodLines(context.account, renewed, false),
  ];
  const invoice = issueSubscriptionInvoice(
    context,
    renewed,
    "subscription_cycle",
    lines,
    renewed.latest_invoice as string,
  );
  const result = collectSubscriptionInvoice(context, renewed, invoice, true);
  settleSubscription(context, renewed.id, result.invoice, "past_due");
}

function processSubscription(context: BillingContext, subscription: Subscription): boolean {
  const now = context.account.clock.now();
  if (subscription.status === "incomplete") {
    if (subscription.created + INCOMPLETE_LIFETIME_SECONDS > now) return false;
    const expired: Subscription = { ...subscription, status: "incomplete_expired", ended_at: now };
    saveObject(context.account, "subscription", expired);
    emitEvent(
      context.account,
      "customer.subscription.updated",
      expired,
      {
        status: "incomplete",
        ended_at: null,
      },
      context,
    );
    return true;
  }
  const periodEnd = periodEndOf(subscription);
  if (subscription.cancel_at !== null && subscription.cancel_at <= Math.min(now, periodEnd)) {
    endSubscription(context, subscription, subscription.cancel_at);
    return true;
  }
  if (
    subscription.status === "trialing" &&
    subscription.trial_end !== null &&
    subscription.trial_end - TRIAL_WARNING_SECONDS <= now &&
    !trialWarningSent(context, subscription.id)
  ) {
    emitEvent(
      context.account,
      "customer.subscription.trial_will_end",
      subscription,
      undefined,
      context,
    );
    return true;
  }
  if (periodEnd <= now) {
    renewSubscription(context, subscription);
    return true;
  }
  return false;
}

/** Performs everything due at the clock's current time, oldest subscription first. */
export function processDueWork(context: BillingContext): void {
  let progressed = true;
  while (progressed) {
    progressed = false;
    for (const subscription of context.account.collections.subscription.values()) {
      if (ENDED.has(subscription.status)) continue;
      if (processSubscription(context, subscription)) progressed = true;
    }
  }
}

/**
 * Moves the clock to `target` in steps, stopping at each due moment so that several
 * periods each renew, with events dated when they would have happened.
 */
export function advanceClock(context: BillingContext, target: number): void {
  const { account } = context;
  for (;;) {
    const due = [...account.collections.subscription.values()]
      .map((subscription) => nextDueAt(context, subscription))
      .filter((at): at is number => at !== null && at <= target);
    const next = due.length > 0 ? Math.max(Math.min(...due), account.clock.now()) : target;
    account.clock.advanceTo(next);
    processDueWork(context);
    if (next >= target) return;
  }
}
