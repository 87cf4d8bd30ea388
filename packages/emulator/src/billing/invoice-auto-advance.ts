import type { BillingContext } from "./context.js";
import { payInvoice } from "./invoice-actions.js";
import type { Invoice } from "./invoice-build.js";
import { finalizeOneOffInvoice } from "./invoice-drafts.js";

/**
 * `auto_advance` on one-off invoices: a draft finalizes at `automatically_finalizes_at` and
 * is charged at once; an open one is charged at `next_payment_attempt`, and a failure is
 * retried on the dunning schedule. Subscription invoices are collected by their
 * subscription's lifecycle instead, so they are left out here.
 */

function testClockOf(invoice: Invoice): string | null {
  const clock = invoice.test_clock;
  return typeof clock === "string" ? clock : (clock?.id ?? null);
}

function autoAdvancing(context: BillingContext, clockId: string | null): Invoice[] {
  return [...context.account.collections.invoice.values()].filter(
    (invoice) =>
      invoice.auto_advance === true &&
      invoice.billing_reason === "manual" &&
      testClockOf(invoice) === clockId,
  );
}

function dueAt(invoice: Invoice): number | null {
  if (invoice.status === "draft") return invoice.automatically_finalizes_at;
  if (invoice.status === "open" && invoice.parent === null) return invoice.next_payment_attempt;
  return null;
}

/** When each auto-advancing invoice next needs the clock to stop. */
export function invoiceAdvanceTimes(context: BillingContext, clockId: string | null): number[] {
  return autoAdvancing(context, clockId)
    .map(dueAt)
    .filter((at): at is number => at !== null);
}

export function advanceDueInvoices(context: BillingContext, clockId: string | null): void {
  const now = context.account.clock.now();
  for (const invoice of autoAdvancing(context, clockId)) {
    const at = dueAt(invoice);
    if (at === null || at > now) continue;
    const open =
      invoice.status === "draft" ? finalizeOneOffInvoice(context, invoice.id).invoice : invoice;
    if (open.status === "open" && open.collection_method === "charge_automatically") {
      payInvoice(context, invoice.id, { retry: true });
    }
  }
}
