import type { BillingSubscriptionRow } from "../db/billing-subscriptions.js";
import type { SubscriptionStatus } from "../stripe/sync-types.js";
import type { Plan } from "./plans.js";

/** What `GET /api/billing/subscription` tells the app about a user. */
export interface SubscriptionView {
  /** The plan the user is entitled to now: the free plan without a paying subscription. */
  plan: string;
  status: SubscriptionStatus | null;
  currentPeriodEnd: string | null;
  cancelAtPeriodEnd: boolean;
  cancelAt: string | null;
  trialEnd: string | null;
  paymentMethod: { brand: string; last4: string; expMonth: number; expYear: number } | null;
  entitlements: Plan["entitlements"];
  /** The subject has a Stripe customer, so the billing portal can open (invoices, cards). */
  hasCustomer: boolean;
  /** A per-seat plan's seats (the subscription item's quantity); null for other plans. */
  seats: number | null;
}

/** Statuses that still grant the plan. `past_due` keeps it while Stripe retries the card. */
const ENTITLING: readonly string[] = ["active", "trialing", "past_due"];

/** Among several subscriptions, the one the user means by "my subscription". */
const PRECEDENCE: readonly string[] = [
  "active",
  "trialing",
  "past_due",
  "unpaid",
  "paused",
  "incomplete",
];

export function pickCurrentSubscription(
  rows: BillingSubscriptionRow[],
): BillingSubscriptionRow | undefined {
  const rank = (row: BillingSubscriptionRow) => {
    const index = PRECEDENCE.indexOf(row.status);
    return index === -1 ? PRECEDENCE.length : index;
  };
  return [...rows].sort(
    (a, b) => rank(a) - rank(b) || b.created.getTime() - a.created.getTime(),
  )[0];
}

export function isEntitling(status: string): boolean {
  return ENTITLING.includes(status);
}

/** The catalog's free plan (one without prices), or a bare `free` when there is no catalog. */
export function freePlan(plans: Plan[]): Pick<Plan, "key" | "entitlements"> {
  return plans.find((plan) => plan.prices.length === 0) ?? { key: "free", entitlements: {} };
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function toSubscriptionView(
  subscription: BillingSubscriptionRow | undefined,
  plans: Plan[],
  card: SubscriptionView["paymentMethod"],
  hasCustomer: boolean,
): SubscriptionView {
  const free = freePlan(plans);
  const paid =
    subscription && isEntitling(subscription.status)
      ? plans.find((plan) => plan.key === subscription.planKey)
      : undefined;
  const plan = paid ?? free;
  return {
    plan: plan.key,
    status: (subscription?.status as SubscriptionStatus | undefined) ?? null,
    currentPeriodEnd: iso(subscription?.currentPeriodEnd ?? null),
    cancelAtPeriodEnd: subscription?.cancelAtPeriodEnd ?? false,
    cancelAt: iso(subscription?.cancelAt ?? null),
    trialEnd: iso(subscription?.trialEnd ?? null),
    paymentMethod: card,
    entitlements: plan.entitlements,
    hasCustomer,
    seats: paid?.seats ? (subscription?.quantity ?? null) : null,
  };
}
