import type Stripe from "stripe";
import { generateId } from "../ids.js";
import type { Wire } from "../wire.js";

export type Price = Wire<Stripe.Price>;
export type SubscriptionItem = Wire<Stripe.SubscriptionItem>;
export type Period = { start: number; end: number };

const DAY = 86_400;

/**
 * Adds billing intervals the way Stripe anchors them: calendar months and years, clamped
 * to the last day of shorter months (Jan 31 + 1 month = Feb 28/29).
 */
export function addInterval(
  unixSeconds: number,
  interval: Stripe.Price.Recurring.Interval,
  count: number,
): number {
  if (interval === "day") return unixSeconds + count * DAY;
  if (interval === "week") return unixSeconds + count * 7 * DAY;
  const date = new Date(unixSeconds * 1000);
  const months = (interval === "year" ? 12 : 1) * count;
  const target = new Date(date);
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const lastDay = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  return Math.floor(target.getTime() / 1000);
}

/** The period starting at `start`: a trial ends it early, as Stripe bills from trial end. */
export function computePeriod(price: Price, start: number, trialEnd: number | null): Period {
  if (trialEnd !== null && trialEnd > start) return { start, end: trialEnd };
  const recurring = price.recurring;
  if (!recurring) return { start, end: start };
  return { start, end: addInterval(start, recurring.interval, recurring.interval_count) };
}

/** Stripe still renders the legacy `plan` view of each recurring price on items. */
export function toPlan(price: Price): Wire<Stripe.Plan> {
  return {
    id: price.id,
    object: "plan",
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: price.recurring?.interval ?? "month",
    interval_count: price.recurring?.interval_count ?? 1,
    livemode: price.livemode,
    metadata: price.metadata,
    meter: null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: price.recurring?.trial_period_days ?? null,
    usage_type: price.recurring?.usage_type ?? "licensed",
  };
}

export function buildSubscriptionItem(input: {
  subscriptionId: string;
  price: Price;
  quantity: number;
  metadata: Stripe.Metadata;
  period: Period;
  created: number;
}): SubscriptionItem {
  return {
    id: generateId("si"),
    object: "subscription_item",
    billing_thresholds: null,
    created: input.created,
    current_period_end: input.period.end,
    current_period_start: input.period.start,
    current_trial: null,
    discounts: [],
    metadata: input.metadata,
    plan: toPlan(input.price),
    price: input.price,
    quantity: input.quantity,
    subscription: input.subscriptionId,
    tax_rates: [],
  } satisfies SubscriptionItem;
}

export function toItemList(subscriptionId: string, items: SubscriptionItem[]) {
  return {
    object: "list" as const,
    data: items,
    has_more: false,
    url: `/v1/subscription_items?subscription=${subscriptionId}`,
  };
}
