import type { PaymentMethod, Plan, SubscriptionData } from "../client/api-types.js";

/** What `useSubscription()` gives: dates as `Date`, the plan with its display name. */
export interface Subscription {
  /** Null on the free plan, i.e. without a subscription that grants a paid plan. */
  plan: { key: string; name: string } | null;
  /** Stripe's status (`active`, `trialing`, `past_due`…); null without a subscription. */
  status: string | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  cancelAt: Date | null;
  trialEnd: Date | null;
  paymentMethod: PaymentMethod | null;
  entitlements: SubscriptionData["entitlements"];
  /** The portal can open (invoices, cards) even without a subscription. */
  hasCustomer: boolean;
  /** A per-seat subscription's quantity; null when the plan is not per-seat or unsubscribed. */
  seats: number | null;
}

/** Statuses that still grant the plan, as Portico's server decides it. */
const ENTITLING = new Set(["active", "trialing", "past_due"]);

export function toSubscription(data: SubscriptionData, plans: Plan[] | undefined): Subscription {
  const paid = data.status !== null && ENTITLING.has(data.status);
  return {
    plan: paid ? { key: data.plan, name: planName(plans, data.plan) } : null,
    status: data.status,
    currentPeriodEnd: toDate(data.currentPeriodEnd),
    cancelAtPeriodEnd: data.cancelAtPeriodEnd,
    cancelAt: toDate(data.cancelAt),
    trialEnd: toDate(data.trialEnd),
    paymentMethod: data.paymentMethod,
    entitlements: data.entitlements,
    hasCustomer: data.hasCustomer,
    // `?? null`: a Portico older than organizations sends no seats at all.
    seats: data.seats ?? null,
  };
}

/** "Pro" for `pro`; a plan missing from the catalog (or no catalog) still reads well. */
export function planName(plans: Plan[] | undefined, key: string): string {
  const plan = plans?.find((candidate) => candidate.key === key);
  return plan?.name ?? key.charAt(0).toUpperCase() + key.slice(1);
}

/** The date a subscription set to cancel ends on; null when it renews. */
export function scheduledEnd(subscription: Subscription): Date | null {
  const { cancelAtPeriodEnd, currentPeriodEnd, cancelAt } = subscription;
  return (cancelAtPeriodEnd && currentPeriodEnd) || cancelAt;
}

const toDate = (iso: string | null) => (iso === null ? null : new Date(iso));
