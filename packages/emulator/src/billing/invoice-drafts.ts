import type Stripe from "stripe";
import { emitEvent } from "../events.js";
import { requireObject } from "../resources/lookup.js";
import type { Account } from "../store.js";
import { saveObject } from "../store.js";
import type { Wire } from "../wire.js";
import type { BillingContext } from "./context.js";
import {
  assertStatus,
  finalizeInvoice,
  insertDraftInvoice,
  type PaymentResult,
  payInvoice,
} from "./invoice-actions.js";
import type { Invoice } from "./invoice-build.js";
import { type InvoiceItem, lineOfItem, recordInvoicedItems } from "./invoice-items.js";

/**
 * One-off invoices: drafts made with `POST /v1/invoices` rather than by a subscription's
 * billing cycle. They stay editable until finalized, and may be deleted while drafts.
 */

/** Stripe finalizes an auto-advancing draft about an hour after creating it. */
export const AUTO_ADVANCE_DELAY_SECONDS = 3600;

export type OneOffInvoiceInput = {
  customer: Wire<Stripe.Customer>;
  subscription: Wire<Stripe.Subscription> | null;
  /** `pending_invoice_items_behavior: include`; Stripe's default is `exclude`. */
  includePendingItems: boolean;
  currency: string;
  collectionMethod: Stripe.Invoice.CollectionMethod;
  daysUntilDue: number | null;
  dueDate: number | null;
  autoAdvance: boolean;
  automaticallyFinalizesAt: number | null;
  fields: Pick<Invoice, "description" | "footer" | "metadata" | "default_payment_method">;
};

/**
 * A subscription's invoice takes only that subscription's items; a customer's takes only
 * items without one. Items in another currency wait for an invoice in theirs.
 */
function takeablePendingItems(account: Account, input: OneOffInvoiceInput): InvoiceItem[] {
  const owner = input.subscription?.id ?? null;
  return [...account.collections.invoiceitem.values()].filter(
    (item) =>
      item.invoice === null &&
      item.customer === input.customer.id &&
      (item.parent?.subscription_details?.subscription ?? null) === owner &&
      item.currency === input.currency,
  );
}

/** Saves a draft (`invoice.created`) holding the pending items it was asked to include. */
export function createOneOffInvoice(context: BillingContext, input: OneOffInvoiceInput): Invoice {
  const { account } = context;
  const now = account.clock.now();
  const items = input.includePendingItems ? takeablePendingItems(account, input) : [];
  const lines = items.map((item) => lineOfItem(account, item));
  const draft = insertDraftInvoice(
    context,
    {
      customer: input.customer,
      subscription: input.subscription,
      billingReason: "manual",
      lines,
      currency: input.currency,
      period: { start: now, end: now },
      collectionMethod: input.collectionMethod,
      daysUntilDue: input.daysUntilDue,
    },
    {
      ...input.fields,
      auto_advance: input.autoAdvance,
      automatically_finalizes_at: input.autoAdvance
        ? (input.automaticallyFinalizesAt ?? now + AUTO_ADVANCE_DELAY_SECONDS)
        : null,
      ...(input.dueDate === null ? {} : { due_date: input.dueDate }),
      test_clock: input.customer.test_clock ?? null,
    },
  );
  recordInvoicedItems(context, draft, lines);
  return draft;
}

/**
 * Draft → open. A zero-amount invoice is paid at once, as Stripe's are; an auto-advancing
 * one that charges automatically is collected an hour later, when the clock gets there.
 */
export function finalizeOneOffInvoice(
  context: BillingContext,
  invoiceId: string,
  autoAdvance?: boolean,
): PaymentResult {
  const { account } = context;
  const before = requireObject(account, "invoice", invoiceId);
  assertStatus(before, ["draft"], "finalize");
  if (autoAdvance !== undefined) {
    saveObject(account, "invoice", { ...before, auto_advance: autoAdvance });
  }
  const open = finalizeInvoice(context, invoiceId);
  if (open.amount_due === 0) return payInvoice(context, invoiceId);
  if (!open.auto_advance || open.collection_method !== "charge_automatically") {
    return { invoice: open, decline: null };
  }
  const scheduled = saveObject(account, "invoice", {
    ...open,
    automatically_finalizes_at: null,
    next_payment_attempt: account.clock.now() + AUTO_ADVANCE_DELAY_SECONDS,
  });
  return { invoice: scheduled, decline: null };
}

/**
 * Deletes a draft (`invoice.deleted`); a later GET is a 404, as on Stripe. The emulator
 * hands its invoice items back as pending, so nothing billed is lost with the draft.
 */
export function deleteDraftInvoice(context: BillingContext, invoiceId: string) {
  const { account } = context;
  const invoice = requireObject(account, "invoice", invoiceId);
  assertStatus(invoice, ["draft"], "delete");
  for (const item of account.collections.invoiceitem.values()) {
    if (item.invoice === invoice.id) saveObject(account, "invoiceitem", { ...item, invoice: null });
  }
  account.collections.invoice.delete(invoice.id);
  emitEvent(account, "invoice.deleted", invoice, undefined, context);
  return { id: invoice.id, object: "invoice", deleted: true } satisfies Stripe.DeletedInvoice;
}
