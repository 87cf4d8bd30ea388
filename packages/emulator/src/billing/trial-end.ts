import type Stripe from "stripe";
import { diffAttributes, emitEvent } from "../events.js";
import { generateRandomString } from "../ids.js";
import { type Account, saveObject } from "../store.js";
import type { Wire } from "../wire.js";
import type { BillingContext } from "./context.js";
import { endSubscription } from "./subscription-end.js";
import {
  collectSubscriptionInvoice,
  issueSubscriptionInvoice,
  periodLines,
  settleSubscription,
} from "./subscription-invoicing.js";

type Subscription = Wire<Stripe.Subscription>;

/** Stripe warns three days before a trial ends. */
export const TRIAL_WARNING_SECONDS = 3 * 86_400;

/** Whether a charge could find a method: the subscription's default or the customer's. */
export function hasPaymentMethod(account: Account, subscription: Subscription): boolean {
  if (subscription.default_payment_method) return true;
  const customer = account.collections.customer.get(subscription.customer as string);
  return Boolean(
    customer && !("deleted" in customer) && customer.invoice_settings.default_payment_method,
  );
}

/**
 * Whether this trial end was already announced. Keyed on `trial_end` too, so moving the
 * trial end (an update) earns a new warning, as it does on Stripe.
 */
export function trialWarningSent(account: Account, subscription: Subscription): boolean {
  for (const event of account.collections.event.values()) {
    if (event.type !== "customer.subscription.trial_will_end") continue;
    const object = event.data.object as { id?: string; trial_end?: number | null };
    if (object.id === subscription.id && object.trial_end === subscription.trial_end) return true;
  }
  return false;
}

/** When the warning is due, or null once sent (or with no trial). */
export function trialWarningDueAt(account: Account, subscription: Subscription): number | null {
  if (subscription.status !== "trialing" || subscription.trial_end === null) return null;
  if (trialWarningSent(account, subscription)) return null;
  return subscription.trial_end - TRIAL_WARNING_SECONDS;
}

/**
 * Sends `customer.subscription.trial_will_end` if it is due. Called by clock advances and
 * straight after a create or update, because Stripe warns at once when a trial already ends
 * within three days rather than waiting for time to pass.
 */
export function warnIfTrialEndsSoon(context: BillingContext, subscription: Subscription): boolean {
  const due = trialWarningDueAt(context.account, subscription);
  if (due === null || due > context.account.clock.now()) return false;
  emitEvent(
    context.account,
    "customer.subscription.trial_will_end",
    subscription,
    undefined,
    context,
  );
  return true;
}

/**
 * A trial ends with no payment method and `trial_settings.end_behavior.missing_payment_method`
 * is `pause` or `cancel`: Stripe pauses (no invoice) or cancels instead of billing.
 */
export function endTrialWithoutPaymentMethod(
  context: BillingContext,
  subscription: Subscription,
  behavior: "pause" | "cancel",
  at: number,
) {
  if (behavior === "cancel") {
    endSubscription(context, subscription, at);
    return;
  }
  const paused: Subscription = { ...subscription, status: "paused" };
  saveObject(context.account, "subscription", paused);
  emitEvent(context.account, "customer.subscription.paused", paused, undefined, context);
  emitEvent(
    context.account,
    "customer.subscription.updated",
    paused,
    diffAttributes(subscription, paused),
    context,
  );
}

/** `pause` or `cancel` when the trial ends with nothing to charge, else null (bill it). */
export function missingPaymentMethodBehavior(
  account: Account,
  subscription: Subscription,
): "pause" | "cancel" | null {
  const missing = subscription.trial_settings?.end_behavior.missing_payment_method;
  if (missing !== "pause" && missing !== "cancel") return null;
  return hasPaymentMethod(account, subscription) ? null : (missing as "pause" | "cancel");
}

/** What ending a trial early (`trial_end=now`, a portal plan change) leads to. */
export type EarlyTrialEnd =
  | { kind: "invoice"; invoiceId: string }
  | { kind: "pause" }
  | { kind: "cancel" }
  | null;

/** Decided before the update is saved, so the update event already names the invoice. */
export function planEarlyTrialEnd(
  account: Account,
  before: Subscription,
  after: Subscription,
): EarlyTrialEnd {
  if (before.status !== "trialing" || after.status === "trialing") return null;
  const behavior = missingPaymentMethodBehavior(account, after);
  if (behavior) return { kind: behavior };
  return { kind: "invoice", invoiceId: `in_${generateRandomString(24)}` };
}

/**
 * Stripe treats an early trial end as the start of a new billing cycle: the first paid
 * period is invoiced and charged at once, and a decline leaves the subscription
 * `past_due` with the usual retries, as a renewal would.
 */
export function applyEarlyTrialEnd(
  context: BillingContext,
  subscription: Subscription,
  plan: EarlyTrialEnd,
): void {
  if (!plan) return;
  const now = context.account.clock.now();
  if (plan.kind === "cancel") {
    endSubscription(context, subscription, now);
    return;
  }
  if (plan.kind === "pause") {
    emitEvent(context.account, "customer.subscription.paused", subscription, undefined, context);
    return;
  }
  const invoice = issueSubscriptionInvoice(
    context,
    subscription,
    "subscription_update",
    periodLines(context.account, subscription, false),
    plan.invoiceId,
  );
  const result = collectSubscriptionInvoice(context, subscription, invoice, true);
  settleSubscription(context, subscription.id, result.invoice, "past_due");
}
