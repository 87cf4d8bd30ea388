import { desc, eq, sql } from "drizzle-orm";
import type { Db } from "./client.js";
import { billingInvoices } from "./schema.js";
import { type MirroredTable, watermarkedUpsert } from "./watermark.js";

export type InvoiceRow = typeof billingInvoices.$inferSelect;
export type NewInvoice = Omit<typeof billingInvoices.$inferInsert, "syncedAt">;

export const invoicesTable: MirroredTable = {
  table: billingInvoices,
  id: billingInvoices.stripeInvoiceId,
  stripeUpdated: billingInvoices.stripeUpdated,
};

export async function upsertInvoice(db: Db, row: NewInvoice) {
  await db.insert(billingInvoices).values(row).onConflictDoUpdate(watermarkedUpsert(invoicesTable));
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
  await db
    .update(billingInvoices)
    .set({
      status: "deleted",
      stripeUpdated: sql`greatest(${billingInvoices.stripeUpdated}, ${watermark})`,
      syncedAt: sql`now()`,
    })
    .where(eq(billingInvoices.stripeInvoiceId, stripeInvoiceId));
}
