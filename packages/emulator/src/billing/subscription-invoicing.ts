import type Stripe from "stripe";
import { diffAttributes, emitEvent } from "../events.js";
import { generateRandomString } from "../ids.js";
import { requireLiveCustomer, requireObject } from "../resources/lookup.js";
import type { Account } from "../store.js";
import { saveObject } from "../store.js";
import type { Wire } from "../wire.js";
import { attemptCharge } from "./charges.js";
import type { BillingContext } from "./context.js";
import { finalizeInvoice, type PaymentResult, payInvoice } from "./invoice-actions.js";
import {
  buildDraftInvoice,
  describeSubscriptionLine,
  type Invoice,
  type LineInput,
  productNameOf,
} from "./invoice-build.js";
import { recordInvoicedItems } from "./invoice-items.js";
import type { CardDecline } from "./test-cards.js";

export type Subscription = Wire<Stripe.Subscription>;
type Item = Wire<Stripe.SubscriptionItem>;
type Status = Stripe.Subscription.Status;

/** One line per item for the period the items are in; a trial bills nothing. */
export function periodLines(account: Account, subscription: Subscription, trial: boolean) {
  return subscription.items.data.map(
    (item: Item): LineInput => ({
      amount: trial ? 0 : (item.price.unit_amount ?? 0) * (item.quantity ?? 1),
      currency: item.price.currency,
      description: trial
        ? `Trial period for ${productNameOf(account, item.price)}`
        : describeSubscriptionLine(account, item.price, item.quantity ?? 1),
      quantity: item.quantity ?? 1,
      period: { start: item.current_period_start, end: item.current_period_end },
      price: item.price,
      subscriptionId: subscription.id,
      subscriptionItemId: item.id,
      proration: false,
    }),
  );
}

function periodOf(lines: readonly LineInput[], fallback: number) {
  const starts = lines.map((line) => line.period.start);
  const ends = lines.map((line) => line.period.end);
  return starts.length
    ? { start: Math.min(...starts), end: Math.max(...ends) }
    : { start: fallback, end: fallback };
}

/** Saves and finalizes a subscription invoice (`invoice.created`, `invoice.finalized`). */
export function issueSubscriptionInvoice(
  context: BillingContext,
  subscription: Subscription,
  reason: Stripe.Invoice.BillingReason,
  lines: LineInput[],
  invoiceId?: string,
): Invoice {
  const { account } = context;
  const customer = requireLiveCustomer(account, subscription.customer as string);
  const draft = buildDraftInvoice(account, {
    customer,
    subscription,
    billingReason: reason,
    lines,
    currency: subscription.currency,
    period: periodOf(lines, account.clock.now()),
    collectionMethod: subscription.collection_method,
    daysUntilDue: subscription.days_until_due,
  });
  const invoice = saveObject(account, "invoice", invoiceId ? rekey(draft, invoiceId) : draft);
  recordInvoicedItems(context, invoice, lines);
  emitEvent(account, "invoice.created", invoice, undefined, context);
  return finalizeInvoice(context, invoice.id);
}

function rekey(invoice: Invoice, id: string): Invoice {
  return {
    ...invoice,
    id,
    lines: {
      ...invoice.lines,
      data: invoice.lines.data.map((line) => ({ ...line, invoice: id })),
      url: `/v1/invoices/${id}/lines`,
    },
  };
}

/** Charges a finalized subscription invoice unless it is sent for manual payment. */
export function collectSubscriptionInvoice(
  context: BillingContext,
  subscription: Subscription,
  invoice: Invoice,
  retry: boolean,
): PaymentResult {
  if (subscription.collection_method === "send_invoice" && invoice.amount_due > 0) {
    return { invoice, decline: null };
  }
  return payInvoice(context, invoice.id, { retry });
}

export type FirstInvoicePlan = {
  invoiceId: string;
  status: Status;
  decline: CardDecline | null;
  /** The card needs 3-D Secure, so the first invoice will wait for the customer. */
  requiresAction?: boolean;
  collect: boolean;
};

/**
 * Decides, before anything is saved, how a new subscription's first invoice will end, so
 * `customer.subscription.created` carries the final status as Stripe's does.
 */
export function planFirstInvoice(
  account: Account,
  subscription: Subscription,
  paymentBehavior: string | undefined,
): FirstInvoicePlan {
  const invoiceId = `in_${generateRandomString(24)}`;
  const trial = subscription.status === "trialing";
  const lines = periodLines(account, subscription, trial);
  const amount = lines.reduce((sum, line) => sum + line.amount, 0);
  if (trial) return { invoiceId, status: "trialing", decline: null, collect: true };
  if (subscription.collection_method === "send_invoice") {
    return { invoiceId, status: "active", decline: null, collect: false };
  }
  if (paymentBehavior === "default_incomplete" && amount > 0) {
    return { invoiceId, status: "incomplete", decline: null, collect: false };
  }
  const customer = requireLiveCustomer(account, subscription.customer as string);
  const probe = buildDraftInvoice(account, {
    customer,
    subscription,
    billingReason: "subscription_create",
    lines,
    currency: subscription.currency,
    period: periodOf(lines, subscription.created),
    collectionMethod: subscription.collection_method,
    daysUntilDue: subscription.days_until_due,
  });
  const outcome = attemptCharge(account, probe);
  if (outcome.ok) return { invoiceId, status: "active", decline: null, collect: true };
  const requiresAction = outcome.decline === null;
  return {
    invoiceId,
    status: "incomplete",
    decline: outcome.decline,
    requiresAction,
    collect: true,
  };
}

/** Issues (and, per the plan, charges) a new subscription's first invoice. */
export function issueFirstInvoice(
  context: BillingContext,
  subscription: Subscription,
  plan: FirstInvoicePlan,
): PaymentResult {
  const trial = subscription.status === "trialing";
  const lines = periodLines(context.account, subscription, trial);
  const invoice = issueSubscriptionInvoice(
    context,
    subscription,
    "subscription_create",
    lines,
    plan.invoiceId,
  );
  if (!plan.collect) return { invoice, decline: null };
  return collectSubscriptionInvoice(context, subscription, invoice, false);
}

/**
 * Moves a subscription to the status an invoice outcome implies and records
 * `customer.subscription.updated` with what changed.
 */
export function settleSubscription(
  context: BillingContext,
  subscriptionId: string,
  invoice: Invoice,
  failedStatus: Status,
): Subscription {
  const { account } = context;
  const before = requireObject(account, "subscription", subscriptionId);
  const paid = invoice.status === "paid";
  const status: Status = paid
    ? before.status === "trialing" && invoice.amount_paid === 0
      ? "trialing"
      : "active"
    : invoice.status === "open" && invoice.attempted
      ? failedStatus
      : before.status;
  const after: Subscription = { ...before, status, latest_invoice: invoice.id };
  saveObject(account, "subscription", after);
  const previous = diffAttributes(before, after);
  if (previous) {
    emitEvent(account, "customer.subscription.updated", after, previous, context);
  }
  return after;
}

/**
 * After an invoice is paid (or fails) outside the subscription's own cycle, through the API
 * or by 3-D Secure, its subscription follows: `active` when paid, else `incomplete` stays
 * `incomplete` and anything else becomes `past_due`.
 */
export function settleInvoiceSubscription(context: BillingContext, invoice: Invoice): void {
  const subscriptionId = invoice.parent?.subscription_details?.subscription;
  if (typeof subscriptionId !== "string") return;
  const subscription = context.account.collections.subscription.get(subscriptionId);
  if (!subscription || subscription.status === "canceled") return;
  const failedStatus = subscription.status === "incomplete" ? "incomplete" : "past_due";
  settleSubscription(context, subscriptionId, invoice, failedStatus);
}
