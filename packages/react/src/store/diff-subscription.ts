import { type Subscription, scheduledEnd } from "./to-subscription.js";

/**
 * The part of a subscription the portal can change, as remembered when the user leaves for
 * it: only what the billing page already shows, and small enough for sessionStorage.
 */
export interface SubscriptionView {
  /** The plan's key; null on the free plan. */
  plan: string | null;
  status: string | null;
  cancelAtPeriodEnd: boolean;
  /** ISO date. */
  cancelAt: string | null;
  seats: number | null;
  card: { brand: string; last4: string; expMonth: number; expYear: number } | null;
}

/** One thing the portal changed, in the order the return notice says them. */
export type SubscriptionChange =
  | { type: "canceled" }
  | { type: "ends"; date: Date }
  | { type: "resumed" }
  | { type: "plan"; name: string }
  | { type: "seats"; seats: number }
  | { type: "card"; brand: string; last4: string };

export function viewOf(subscription: Subscription): SubscriptionView {
  const { paymentMethod: card } = subscription;
  return {
    plan: subscription.plan?.key ?? null,
    status: subscription.status,
    cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
    cancelAt: subscription.cancelAt?.toISOString() ?? null,
    seats: subscription.seats,
    card: card && {
      brand: card.brand,
      last4: card.last4,
      expMonth: card.expMonth,
      expYear: card.expYear,
    },
  };
}

/**
 * What changed between the view remembered before the portal and the subscription synced
 * after it; empty when the user only looked (invoices, billing details) or changed nothing.
 */
export function diffSubscription(
  before: SubscriptionView,
  after: Subscription,
): SubscriptionChange[] {
  const now = viewOf(after);
  // Ended now rather than at the period end: nothing else about it is worth saying.
  // A paused subscription also loses its plan, so "canceled" asks for the status itself.
  if (before.plan !== null && (now.status === "canceled" || now.status === null)) {
    return [{ type: "canceled" }];
  }
  const changes: SubscriptionChange[] = [];
  if (now.plan !== null && endingOf(now) !== endingOf(before)) {
    const end = scheduledEnd(after);
    if (end) changes.push({ type: "ends", date: end });
    else if (endingOf(now) === null) changes.push({ type: "resumed" });
  }
  if (after.plan && now.plan !== before.plan) changes.push({ type: "plan", name: after.plan.name });
  if (now.seats !== null && now.seats !== before.seats) {
    changes.push({ type: "seats", seats: now.seats });
  }
  if (now.card && cardKey(now.card) !== cardKey(before.card)) {
    changes.push({ type: "card", brand: now.card.brand, last4: now.card.last4 });
  }
  return changes;
}

/** A new expiry on the same number is a new card too (Stripe's card updater, a reissue). */
const cardKey = (card: SubscriptionView["card"]) =>
  card && `${card.brand} ${card.last4} ${card.expMonth}/${card.expYear}`;

/** When the subscription is set to end, as a comparable value; null when it renews. */
const endingOf = (view: SubscriptionView) =>
  view.cancelAtPeriodEnd ? "period_end" : view.cancelAt;
