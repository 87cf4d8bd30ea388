import type Stripe from "stripe";
import { diffAttributes, emitEvent } from "../events.js";
import { generateRandomString } from "../ids.js";
import { addInterval } from "../resources/subscription-items.js";
import { saveObject } from "../store.js";
import type { Wire } from "../wire.js";
import { checkoutExpiryTimes, expireDueCheckoutSessions } from "./checkout-expiry.js";
import type { BillingContext } from "./context.js";
import { payInvoice } from "./invoice-actions.js";
import { advanceDueInvoices, invoiceAdvanceTimes } from "./invoice-auto-advance.js";
import type { Invoice } from "./invoice-build.js";
import { takePendingProrations } from "./prorations.js";
import { endSubscription } from "./subscription-end.js";
import {
  collectSubscriptionInvoice,
  issueSubscriptionInvoice,
  periodLines,
  settleSubscription,
} from "./subscription-invoicing.js";
import {
  endTrialWithoutPaymentMethod,
  missingPaymentMethodBehavior,
  trialWarningDueAt,
  warnIfTrialEndsSoon,
} from "./trial-end.js";

type Subscription = Wire<Stripe.Subscription>;

const ENDED = new Set(["canceled", "incomplete_expired"]);
/** An unpaid first invoice gives up after 23 hours, as Stripe's does. */
const INCOMPLETE_LIFETIME_SECONDS = 23 * 3600;

/** Open invoices of a subscription that the dunning schedule will charge again. */
function pendingRetries(context: BillingContext, subscriptionId: string): Invoice[] {
  return [...context.account.collections.invoice.values()].filter(
    (invoice) =>
      invoice.status === "open" &&
      invoice.next_payment_attempt !== null &&
      invoice.parent?.subscription_details?.subscription === subscriptionId,
  );
}

function periodEndOf(subscription: Subscription): number {
  return Math.min(...subscription.items.data.map((item) => item.current_period_end));
}

/** The next moment something is due for one subscription, or null. */
function nextDueAt(context: BillingContext, subscription: Subscription): number | null {
  if (ENDED.has(subscription.status)) return null;
  if (subscription.status === "incomplete") {
    return subscription.created + INCOMPLETE_LIFETIME_SECONDS;
  }
  // A paused subscription bills nothing until it is resumed.
  if (subscription.status === "paused") return subscription.cancel_at;
  const times = [periodEndOf(subscription)];
  for (const invoice of pendingRetries(context, subscription.id)) {
    times.push(invoice.next_payment_attempt as number);
  }
  if (subscription.cancel_at !== null) times.push(subscription.cancel_at);
  const warning = trialWarningDueAt(context.account, subscription);
  if (warning !== null) times.push(warning);
  return Math.min(...times);
}

/**
 * Charges every invoice whose retry is due. A success makes a `past_due` or `unpaid`
 * subscription `active` again; a failure with no retry left ends dunning by marking the
 * subscription `unpaid` (Stripe's default "mark the subscription as unpaid" setting), and
 * the invoice stays `open`.
 */
function retryDuePayments(context: BillingContext, subscription: Subscription): boolean {
  const now = context.account.clock.now();
  const due = pendingRetries(context, subscription.id).filter(
    (invoice) => (invoice.next_payment_attempt as number) <= now,
  );
  for (const invoice of due) {
    const { invoice: after } = payInvoice(context, invoice.id, { retry: true });
    const before = context.account.collections.subscription.get(subscription.id) ?? subscription;
    const status =
      after.status === "paid"
        ? "active"
        : after.next_payment_attempt === null && before.status === "past_due"
          ? "unpaid"
          : before.status;
    if (status === before.status) continue;
    const settled: Subscription = { ...before, status };
    saveObject(context.account, "subscription", settled);
    emitEvent(
      context.account,
      "customer.subscription.updated",
      settled,
      diffAttributes(before, settled),
      context,
    );
  }
  return due.length > 0;
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
  // An unpaid subscription keeps issuing invoices but Stripe no longer attempts them.
  if (renewed.status === "unpaid") return;
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
  if (subscription.status === "paused") {
    if (subscription.cancel_at === null || subscription.cancel_at > now) return false;
    endSubscription(context, subscription, subscription.cancel_at);
    return true;
  }
  const periodEnd = periodEndOf(subscription);
  if (subscription.cancel_at !== null && subscription.cancel_at <= Math.min(now, periodEnd)) {
    endSubscription(context, subscription, subscription.cancel_at);
    return true;
  }
  if (retryDuePayments(context, subscription)) return true;
  if (warnIfTrialEndsSoon(context, subscription)) return true;
  const missing = missingPaymentMethodBehavior(context.account, subscription);
  if (periodEnd <= now && subscription.status === "trialing" && missing) {
    endTrialWithoutPaymentMethod(context, subscription, missing, periodEnd);
    return true;
  }
  if (periodEnd <= now) {
    renewSubscription(context, subscription);
    return true;
  }
  return false;
}

/** Subscriptions that live on one clock: a test clock's id, or null for the account's. */
function subscriptionsOn(context: BillingContext, clockId: string | null): Subscription[] {
  return [...context.account.collections.subscription.values()].filter(
    (subscription) => (subscription.test_clock ?? null) === clockId,
  );
}

/** Performs everything due at the clock's current time, oldest subscription first. */
export function processDueWork(context: BillingContext, clockId: string | null = null): void {
  let progressed = true;
  while (progressed) {
    progressed = false;
    for (const { id } of subscriptionsOn(context, clockId)) {
      // Re-read: earlier work in this pass may have changed it.
      const subscription = context.account.collections.subscription.get(id);
      if (!subscription || ENDED.has(subscription.status)) continue;
      if (processSubscription(context, subscription)) progressed = true;
    }
  }
}

/**
 * Moves the clock to `target` in steps, stopping at each due moment so that several
 * periods each renew, with events dated when they would have happened.
 */
export function advanceClock(
  context: BillingContext,
  target: number,
  clockId: string | null = null,
): void {
  const { account } = context;
  // Checkout sessions belong to no customer's test clock, only to the account's time.
  const onAccountClock = clockId === null;
  for (;;) {
    const due = subscriptionsOn(context, clockId)
      .map((subscription) => nextDueAt(context, subscription))
      .concat(onAccountClock ? checkoutExpiryTimes(context) : [])
      .concat(invoiceAdvanceTimes(context, clockId))
      .filter((at): at is number => at !== null && at <= target);
    const next = due.length > 0 ? Math.max(Math.min(...due), account.clock.now()) : target;
    account.clock.advanceTo(next);
    processDueWork(context, clockId);
    advanceDueInvoices(context, clockId);
    if (onAccountClock) expireDueCheckoutSessions(context);
    if (next >= target) return;
  }
}
