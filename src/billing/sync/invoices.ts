import { invoicesTable, markInvoiceDeleted, upsertInvoice } from "../../db/billing-invoices.js";
import type { InvoiceSnapshot, SyncEvent } from "../../stripe/sync-types.js";
import { type SyncContext, unexpectedObject } from "./sync-context.js";
import { fromUnix, type MirroredObject, syncObject } from "./watermark.js";

export const INVOICE_EVENTS = [
  "invoice.created",
  "invoice.finalized",
  "invoice.finalization_failed",
  "invoice.paid",
  "invoice.payment_succeeded",
  "invoice.payment_failed",
  "invoice.voided",
  "invoice.marked_uncollectible",
  "invoice.updated",
  "invoice.deleted",
] as const;

export const mirroredInvoice: MirroredObject<InvoiceSnapshot> = {
  table: invoicesTable,
  fetch: (stripe, id) => stripe.fetchInvoice(id),
  async write(ctx, invoice, watermark) {
    await upsertInvoice(ctx.tx, {
      stripeInvoiceId: invoice.id,
      stripeCustomerId: invoice.customerId,
      stripeSubscriptionId: invoice.subscriptionId,
      livemode: invoice.livemode,
      number: invoice.number,
      status: invoice.status,
      currency: invoice.currency,
      amountDue: invoice.amountDue,
      amountPaid: invoice.amountPaid,
      amountRemaining: invoice.amountRemaining,
      subtotal: invoice.subtotal,
      total: invoice.total,
      hostedInvoiceUrl: invoice.hostedInvoiceUrl,
      invoicePdf: invoice.invoicePdf,
      periodStart: fromUnix(invoice.periodStart),
      periodEnd: fromUnix(invoice.periodEnd),
      created: fromUnix(invoice.created) ?? new Date(0),
      stripeUpdated: watermark,
    });
  },
  // Only drafts can be deleted in Stripe.
  remove: (ctx, id, watermark) => markInvoiceDeleted(ctx.tx, id, watermark),
};

/** `invoice.*`: number, status, amounts and the hosted page and PDF links. */
export async function applyInvoiceEvent(ctx: SyncContext, event: SyncEvent) {
  if (event.object.kind !== "invoice") throw unexpectedObject(event);
  const { invoice } = event.object;
  // A deleted draft's event still shows the draft: only Stripe's 404 says it is gone.
  return syncObject(ctx, mirroredInvoice, invoice.id, {
    created: event.created,
    snapshot: event.type === "invoice.deleted" ? undefined : invoice,
  });
}
