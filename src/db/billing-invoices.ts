import { and, desc, eq, isNull, lt, notInArray, or, sql } from "drizzle-orm";
import type { Db } from "./client.js";
import { billingInvoices } from "./schema.js";
import { forgetWatermark, type MirroredTable, upsertMirrored } from "./watermark.js";

export type InvoiceRow = typeof billingInvoices.$inferSelect;
export type NewInvoice = Omit<typeof billingInvoices.$inferInsert, "syncedAt">;

export const invoicesTable: MirroredTable = {
  table: billingInvoices,
  id: billingInvoices.stripeInvoiceId,
  stripeUpdated: billingInvoices.stripeUpdated,
};

export async function upsertInvoice(db: Db, row: NewInvoice) {
  await upsertMirrored(db, invoicesTable, row);
}

/** The customer's invoices, newest first. */
export function listInvoices(db: Db, stripeCustomerId: string) {
  return db
    .select()
    .from(billingInvoices)
    .where(eq(billingInvoices.stripeCustomerId, stripeCustomerId))
    .orderBy(desc(billingInvoices.created));
}

/**
 * A draft deleted in Stripe. The row stays as a tombstone with the event's watermark,
 * so a late `invoice.created` cannot bring it back.
 */
export async function markInvoiceDeleted(db: Db, stripeInvoiceId: string, watermark: Date | null) {
  forgetWatermark(db, invoicesTable, stripeInvoiceId);
  await db
    .update(billingInvoices)
    .set({
      status: "deleted",
      stripeUpdated: sql`greatest(${billingInvoices.stripeUpdated}, ${watermark})`,
      syncedAt: sql`now()`,
    })
    .where(eq(billingInvoices.stripeInvoiceId, stripeInvoiceId));
}

/** Where a page of invoices starts: just after this invoice in newest-first order. */
export interface InvoicePosition {
  created: Date;
  stripeInvoiceId: string;
}

/**
 * Statuses a customer is not shown: a draft can still change or be deleted, and a deleted
 * draft is only kept as a tombstone (see markInvoiceDeleted).
 */
const HIDDEN_INVOICE_STATUSES = ["draft", "deleted"];

/** Byte order, the same on every server whatever its locale, so a cursor means one place. */
const invoiceIdInByteOrder = sql`${billingInvoices.stripeInvoiceId} collate "C"`;

/**
 * One page of a customer's invoices, newest first, by keyset on (created, id): the id breaks
 * ties within a second, so a page boundary never skips or repeats an invoice.
 */
export function listInvoicePage(
  db: Db,
  query: {
    stripeCustomerId: string;
    livemode: boolean;
    after: InvoicePosition | undefined;
    limit: number;
  },
): Promise<InvoiceRow[]> {
  const { after } = query;
  return db
    .select()
    .from(billingInvoices)
    .where(
      and(
        eq(billingInvoices.stripeCustomerId, query.stripeCustomerId),
        eq(billingInvoices.livemode, query.livemode),
        or(
          isNull(billingInvoices.status),
          notInArray(billingInvoices.status, HIDDEN_INVOICE_STATUSES),
        ),
        after
          ? or(
              lt(billingInvoices.created, after.created),
              and(
                eq(billingInvoices.created, after.created),
                lt(invoiceIdInByteOrder, after.stripeInvoiceId),
              ),
            )
          : undefined,
      ),
    )
    .orderBy(desc(billingInvoices.created), desc(invoiceIdInByteOrder))
    .limit(query.limit);
}
