import type Stripe from "stripe";
import { emitEvent } from "../events.js";
import { generateId } from "../ids.js";
import { type Account, saveObject } from "../store.js";
import type { Wire } from "../wire.js";
import type { BillingContext } from "./context.js";
import { type Invoice, type LineInput, productIdOf } from "./invoice-build.js";

export type InvoiceItem = Wire<Stripe.InvoiceItem>;

/**
 * Invoice items are the lines waiting for an invoice: prorations from a plan change and
 * one-off charges from `POST /v1/invoiceitems`. The next invoice for their subscription (or,
 * for items without one, for their customer) takes them in.
 */

export function buildInvoiceItem(
  account: Account,
  customerId: string,
  line: LineInput,
  options: { id?: string; invoiceId?: string | null; metadata?: Stripe.Metadata } = {},
): InvoiceItem {
  return {
    id: options.id ?? generateId("ii"),
    object: "invoiceitem",
    amount: line.amount,
    currency: line.currency,
    customer: customerId,
    customer_account: null,
    date: account.clock.now(),
    description: line.description,
    discountable: !line.proration,
    discounts: [],
    invoice: options.invoiceId ?? null,
    livemode: account.livemode,
    metadata: options.metadata ?? {},
    parent: line.subscriptionId
      ? {
          subscription_details: {
            subscription: line.subscriptionId,
            ...(line.subscriptionItemId ? { subscription_item: line.subscriptionItemId } : {}),
          },
          type: "subscription_details",
        }
      : null,
    period: line.period,
    pricing: line.price
      ? {
          price_details: { price: line.price.id, product: productIdOf(line.price) },
          type: "price_details",
          unit_amount_decimal: line.price.unit_amount_decimal,
        }
      : null,
    proration: line.proration,
    quantity: line.quantity,
    quantity_decimal: String(line.quantity),
    tax_rates: [],
    test_clock: null,
  } satisfies InvoiceItem;
}

/** The invoice line an item becomes. */
export function lineOfItem(account: Account, item: InvoiceItem): LineInput {
  const priceId = item.pricing?.price_details?.price;
  const price = typeof priceId === "string" ? account.collections.price.get(priceId) : undefined;
  const details = item.parent?.subscription_details;
  return {
    amount: item.amount,
    currency: item.currency,
    description: item.description ?? "",
    quantity: item.quantity,
    period: item.period,
    price: price ?? null,
    subscriptionId: details?.subscription ?? null,
    subscriptionItemId: details?.subscription_item ?? null,
    proration: item.proration,
    invoiceItemId: item.id,
  };
}

/** Saves lines as pending items (`invoiceitem.created`); the lines returned name them. */
export function createPendingItems(
  context: BillingContext,
  customerId: string,
  lines: readonly LineInput[],
): LineInput[] {
  return lines.map((line) => {
    const item = saveObject(
      context.account,
      "invoiceitem",
      buildInvoiceItem(context.account, customerId, line),
    );
    emitEvent(context.account, "invoiceitem.created", item, undefined, context);
    return { ...line, invoiceItemId: item.id };
  });
}

/** Pending items an invoice for this subscription includes: its own and its customer's. */
export function listPendingItems(
  account: Account,
  customerId: string,
  subscriptionId: string | null,
): InvoiceItem[] {
  return [...account.collections.invoiceitem.values()].filter((item) => {
    if (item.invoice !== null || item.customer !== customerId) return false;
    const owner = item.parent?.subscription_details?.subscription ?? null;
    return owner === null || owner === subscriptionId;
  });
}

/**
 * Once an invoice exists: its pending items now belong to it, and prorations billed
 * straight away (`always_invoice`) become items too, so every `ii_…` on a line resolves.
 */
export function recordInvoicedItems(
  context: BillingContext,
  invoice: Invoice,
  lines: readonly LineInput[],
): void {
  const { account } = context;
  invoice.lines.data.forEach((line, index) => {
    const parent = line.parent;
    const id =
      parent?.subscription_item_details?.invoice_item ?? parent?.invoice_item_details?.invoice_item;
    const input = lines[index];
    if (!id || !input) return;
    const existing = account.collections.invoiceitem.get(id);
    if (existing) {
      saveObject(account, "invoiceitem", { ...existing, invoice: invoice.id });
      return;
    }
    const item = buildInvoiceItem(account, invoice.customer as string, input, {
      id,
      invoiceId: invoice.id,
    });
    saveObject(account, "invoiceitem", item);
    emitEvent(account, "invoiceitem.created", item, undefined, context);
  });
}
