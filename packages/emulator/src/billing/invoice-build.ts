import type Stripe from "stripe";
import { generateId, generateRandomString } from "../ids.js";
import type { Account } from "../store.js";
import type { Wire } from "../wire.js";

export type Invoice = Wire<Stripe.Invoice>;
export type InvoiceLine = Wire<Stripe.InvoiceLineItem>;
export type Price = Wire<Stripe.Price>;

/** One line before it belongs to an invoice. */
export type LineInput = {
  amount: number;
  currency: string;
  description: string;
  quantity: number;
  period: { start: number; end: number };
  /** Null for an invoice item given only an `amount`. */
  price: Price | null;
  subscriptionId: string | null;
  subscriptionItemId: string | null;
  proration: boolean;
  /** The `ii_…` behind the line; prorations and pending items always have one. */
  invoiceItemId?: string;
};

/** Formats `1000 usd` as `$10.00`, the way Stripe's descriptions and pages show amounts. */
export function formatAmount(amount: number, currency: string): string {
  const formatter = new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: currency.toUpperCase(),
  });
  return formatter.format(amount / 100);
}

/** The product name behind a price, for line descriptions. */
export function productNameOf(account: Account, price: Price): string {
  const productId = typeof price.product === "string" ? price.product : price.product.id;
  const product = account.collections.product.get(productId);
  return product && !("deleted" in product) ? product.name : productId;
}

/** Stripe's wording: `1 × Plan (at $10.00 / month)`. */
export function describeSubscriptionLine(account: Account, price: Price, quantity: number) {
  const amount = formatAmount(price.unit_amount ?? 0, price.currency);
  const interval = price.recurring?.interval ?? "month";
  const count = price.recurring?.interval_count ?? 1;
  const every = count === 1 ? interval : `every ${count} ${interval}s`;
  return `${quantity} × ${productNameOf(account, price)} (at ${amount} / ${every})`;
}

/** Stripe names a line's origin: a subscription item, or a one-off invoice item. */
function lineParent(input: LineInput): InvoiceLine["parent"] {
  const invoiceItem = input.invoiceItemId ?? (input.proration ? generateId("ii") : null);
  const proration = {
    proration: input.proration,
    proration_details: input.proration ? { credited_items: null } : null,
    subscription: input.subscriptionId,
  };
  if (input.subscriptionItemId) {
    return {
      invoice_item_details: null,
      subscription_item_details: {
        ...proration,
        invoice_item: invoiceItem,
        subscription_item: input.subscriptionItemId,
      },
      type: "subscription_item_details",
    };
  }
  if (!invoiceItem) return null;
  return {
    invoice_item_details: { ...proration, invoice_item: invoiceItem },
    subscription_item_details: null,
    type: "invoice_item_details",
  };
}

export function buildLine(account: Account, invoiceId: string, input: LineInput): InvoiceLine {
  return {
    id: generateId("il"),
    object: "line_item",
    amount: input.amount,
    currency: input.currency,
    description: input.description,
    discount_amounts: [],
    discountable: !input.proration,
    discounts: [],
    invoice: invoiceId,
    livemode: account.livemode,
    metadata: {},
    parent: lineParent(input),
    period: input.period,
    pretax_credit_amounts: [],
    pricing: input.price
      ? {
          price_details: { price: input.price.id, product: productIdOf(input.price) },
          type: "price_details",
          unit_amount_decimal: input.price.unit_amount_decimal,
        }
      : null,
    quantity: input.quantity,
    quantity_decimal: String(input.quantity),
    subscription: input.subscriptionId,
    subtotal: input.amount,
    taxes: [],
  } satisfies InvoiceLine;
}

export function productIdOf(price: Price): string {
  return typeof price.product === "string" ? price.product : price.product.id;
}

export type InvoiceInput = {
  customer: Wire<Stripe.Customer>;
  subscription: Wire<Stripe.Subscription> | null;
  billingReason: Stripe.Invoice.BillingReason;
  lines: LineInput[];
  currency: string;
  period: { start: number; end: number };
  collectionMethod: Stripe.Invoice.CollectionMethod;
  daysUntilDue: number | null;
};

/** A draft invoice; finalizing gives it a number and hosted URLs. */
export function buildDraftInvoice(account: Account, input: InvoiceInput): Invoice {
  const id = `in_${generateRandomString(24)}`;
  const now = account.clock.now();
  const lines = input.lines.map((line) => buildLine(account, id, line));
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  // A credit (negative total) goes to the customer's balance; nothing is due.
  const due = Math.max(total, 0);
  const { customer, subscription } = input;
  return {
    id,
    object: "invoice",
    account_country: "US",
    account_name: "Stripe Emulator",
    account_tax_ids: null,
    amount_due: due,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: due,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: {
      disabled_reason: null,
      enabled: false,
      liability: null,
      provider: null,
      status: null,
    },
    automatically_finalizes_at: null,
    billing_reason: input.billingReason,
    collection_method: input.collectionMethod,
    created: now,
    currency: input.currency,
    custom_fields: null,
    customer: customer.id,
    customer_account: null,
    customer_address: customer.address ?? null,
    customer_email: customer.email,
    customer_name: customer.name ?? null,
    customer_phone: customer.phone ?? null,
    customer_shipping: customer.shipping,
    customer_tax_exempt: customer.tax_exempt ?? "none",
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date:
      input.collectionMethod === "send_invoice" ? now + (input.daysUntilDue ?? 30) * 86_400 : null,
    effective_at: null,
    ending_balance: null,
    footer: customer.invoice_settings.footer,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: "list", data: lines, has_more: false, url: `/v1/invoices/${id}/lines` },
    livemode: account.livemode,
    metadata: {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: subscription
      ? {
          quote_details: null,
          subscription_details: { metadata: subscription.metadata, subscription: subscription.id },
          type: "subscription_details",
        }
      : null,
    payment_settings: {
      default_mandate: null,
      payment_method_options: null,
      payment_method_types: null,
    },
    period_end: input.period.end,
    period_start: input.period.start,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: "draft",
    status_transitions: {
      finalized_at: null,
      marked_uncollectible_at: null,
      paid_at: null,
      voided_at: null,
    },
    subtotal: total,
    subtotal_excluding_tax: total,
    test_clock: null,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  } satisfies Invoice;
}
