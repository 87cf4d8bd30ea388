import type Stripe from "stripe";
import { generateRandomString } from "../ids.js";
import type { Account } from "../store.js";
import type { Wire } from "../wire.js";
import type { BillingContext } from "./context.js";
import { type LineInput, productNameOf } from "./invoice-build.js";
import { createPendingItems, lineOfItem, listPendingItems } from "./invoice-items.js";
import {
  collectSubscriptionInvoice,
  issueSubscriptionInvoice,
  settleSubscription,
} from "./subscription-invoicing.js";

type Subscription = Wire<Stripe.Subscription>;
type Item = Wire<Stripe.SubscriptionItem>;
export type ProrationBehavior = "always_invoice" | "create_prorations" | "none";

export type ProrationPlan = { lines: LineInput[]; invoiceId: string | null };

/**
 * Removes and returns the pending items a renewal invoice should include: the prorations
 * `create_prorations` changes left, and the customer's one-off invoice items.
 */
export function takePendingProrations(account: Account, subscriptionId: string): LineInput[] {
  const subscription = account.collections.subscription.get(subscriptionId);
  if (!subscription) return [];
  return listPendingItems(account, subscription.customer as string, subscriptionId).map((item) =>
    lineOfItem(account, item),
  );
}

function formatDay(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
}

/** `Unused time on 1 × Plan after 12 Jan 2026` (credit) or `Remaining time on …` (charge). */
function prorationLine(
  account: Account,
  subscriptionId: string,
  item: Item,
  sign: 1 | -1,
  at: number,
): LineInput {
  const quantity = item.quantity ?? 1;
  const span = item.current_period_end - item.current_period_start;
  const fraction = span > 0 ? Math.max(item.current_period_end - at, 0) / span : 0;
  const kind = sign < 0 ? "Unused" : "Remaining";
  return {
    amount: sign * Math.round((item.price.unit_amount ?? 0) * quantity * fraction),
    currency: item.price.currency,
    description: `${kind} time on ${quantity} × ${productNameOf(account, item.price)} after ${formatDay(at)}`,
    quantity,
    period: { start: at, end: item.current_period_end },
    price: item.price,
    subscriptionId,
    subscriptionItemId: item.id,
    proration: true,
  };
}

/** The credit and charge lines a price or quantity change creates, item by item. */
export function planProration(
  account: Account,
  before: Subscription,
  after: Subscription,
  behavior: ProrationBehavior,
  at: number,
): ProrationPlan {
  if (behavior === "none" || before.status === "trialing") return { lines: [], invoiceId: null };
  const lines: LineInput[] = [];
  const previous = new Map(before.items.data.map((item) => [item.id, item]));
  for (const item of after.items.data) {
    const old = previous.get(item.id);
    previous.delete(item.id);
    if (old && old.price.id === item.price.id && old.quantity === item.quantity) continue;
    if (old) lines.push(prorationLine(account, before.id, old, -1, at));
    lines.push(prorationLine(account, before.id, item, 1, at));
  }
  for (const removed of previous.values()) {
    lines.push(prorationLine(account, before.id, removed, -1, at));
  }
  const invoiceId =
    behavior === "always_invoice" && lines.length > 0 ? `in_${generateRandomString(24)}` : null;
  return { lines, invoiceId };
}

/** Invoices prorations now (`subscription_update`) or keeps them for the next renewal. */
export function applyProration(
  context: BillingContext,
  subscription: Subscription,
  plan: ProrationPlan,
): void {
  if (plan.lines.length === 0) return;
  if (!plan.invoiceId) {
    createPendingItems(context, subscription.customer as string, plan.lines);
    return;
  }
  const lines = [...takePendingProrations(context.account, subscription.id), ...plan.lines];
  const invoice = issueSubscriptionInvoice(
    context,
    subscription,
    "subscription_update",
    lines,
    plan.invoiceId,
  );
  const result = collectSubscriptionInvoice(context, subscription, invoice, true);
  settleSubscription(context, subscription.id, result.invoice, "past_due");
}
