import type Stripe from "stripe";
import { invalidRequest, resourceMissing } from "../http/errors.js";
import type { Account } from "../store.js";
import type { Wire } from "../wire.js";
import { applyMetadata } from "./common.js";
import { requireRecurringPrice } from "./prices.js";
import {
  buildSubscriptionItem,
  computePeriod,
  type SubscriptionItem,
  toPlan,
} from "./subscription-items.js";
import type { UpdateSubscriptionParams } from "./subscription-params.js";

export type Subscription = Wire<Stripe.Subscription>;
type ItemParams = NonNullable<UpdateSubscriptionParams["items"]>;

/** Stripe refuses two items with the same price and mixed currencies on one subscription. */
export function assertCompatibleItems(items: readonly SubscriptionItem[]): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (seen.has(item.price.id)) {
      throw invalidRequest(
        `Cannot add multiple subscription items with the same price: ${item.price.id}`,
        `items[${index}][price]`,
      );
    }
    seen.add(item.price.id);
    if (item.price.currency !== items[0]?.price.currency) {
      throw invalidRequest(
        "All prices on a subscription must have the same `currency`.",
        `items[${index}][price]`,
      );
    }
  });
}

/**
 * Applies `items[]` from an update: entries with an `id` change or delete that item,
 * entries without one add an item that joins the current period.
 */
export function applyItemChanges(
  account: Account,
  subscription: Subscription,
  changes: ItemParams,
): SubscriptionItem[] {
  const items = [...subscription.items.data];
  const reference = items[0];
  changes.forEach((change, index) => {
    const param = `items[${index}]`;
    const price = change.price
      ? requireRecurringPrice(account, change.price, `${param}[price]`)
      : undefined;
    if (!change.id) {
      if (!price) {
        throw invalidRequest(
          `Missing required param: ${param}[price].`,
          `${param}[price]`,
          "parameter_missing",
        );
      }
      const period = reference
        ? { start: reference.current_period_start, end: reference.current_period_end }
        : computePeriod(price, account.clock.now(), subscription.trial_end);
      items.push(
        buildSubscriptionItem({
          subscriptionId: subscription.id,
          price,
          quantity: change.quantity ?? 1,
          metadata: applyMetadata({}, change.metadata),
          period,
          created: account.clock.now(),
        }),
      );
      return;
    }
    const position = items.findIndex((item) => item.id === change.id);
    const current = items[position];
    if (!current) throw resourceMissing("subscription_item", change.id, `${param}[id]`);
    if (change.deleted) {
      items.splice(position, 1);
      return;
    }
    items[position] = {
      ...current,
      ...(price ? { price, plan: toPlan(price) } : {}),
      quantity: change.quantity ?? current.quantity,
      metadata: applyMetadata(current.metadata, change.metadata),
    };
  });
  if (items.length === 0) {
    throw invalidRequest("A subscription must have at least one active price.", "items");
  }
  assertCompatibleItems(items);
  return items;
}

/** Ending a trial early (`trial_end=now`) starts a fresh paid period on every item. */
export function restartPeriods(items: SubscriptionItem[], now: number): SubscriptionItem[] {
  return items.map((item) => {
    const period = computePeriod(item.price, now, null);
    return { ...item, current_period_start: period.start, current_period_end: period.end };
  });
}

/**
 * A new future `trial_end` on a trialing subscription moves the end of the trial period;
 * the period start stays where the trial began.
 */
export function extendTrialPeriods(
  items: SubscriptionItem[],
  trialEnd: number,
  now: number,
): SubscriptionItem[] {
  if (trialEnd <= now) {
    throw invalidRequest(
      "Invalid timestamp: must be an integer Unix timestamp in the future.",
      "trial_end",
    );
  }
  return items.map((item) => ({ ...item, current_period_end: trialEnd }));
}

/** `cancel_at_period_end` schedules cancellation at the end of the current period. */
export function periodEndOf(items: readonly SubscriptionItem[]): number {
  return Math.max(...items.map((item) => item.current_period_end));
}
