import { desc, eq } from "drizzle-orm";
import type { Db } from "./client.js";
import { billingSubscriptions } from "./schema.js";
import { type Subject, subjectColumns } from "./subjects.js";
import type { MirroredTable } from "./watermark.js";
import { forgetWatermark, upsertMirrored } from "./watermark.js";

export type BillingSubscriptionRow = typeof billingSubscriptions.$inferSelect;
export type NewBillingSubscription = Omit<typeof billingSubscriptions.$inferInsert, "syncedAt">;

export const subscriptionsTable: MirroredTable = {
  table: billingSubscriptions,
  id: billingSubscriptions.stripeSubscriptionId,
  stripeUpdated: billingSubscriptions.stripeUpdated,
};

export async function upsertBillingSubscription(db: Db, row: NewBillingSubscription) {
  await upsertMirrored(db, subscriptionsTable, row);
}

/** The customer's subscriptions, newest first. */
export function listCustomerSubscriptions(db: Db, stripeCustomerId: string) {
  return db
    .select()
    .from(billingSubscriptions)
    .where(eq(billingSubscriptions.stripeCustomerId, stripeCustomerId))
    .orderBy(desc(billingSubscriptions.created));
}

/** A customer was linked to a subject after its subscriptions arrived. */
export async function assignSubscriptionsToSubject(
  db: Db,
  stripeCustomerId: string,
  subject: Subject,
) {
  await db
    .update(billingSubscriptions)
    .set(subjectColumns(subject))
    .where(eq(billingSubscriptions.stripeCustomerId, stripeCustomerId));
}

export async function deleteBillingSubscription(db: Db, stripeSubscriptionId: string) {
  forgetWatermark(db, subscriptionsTable, stripeSubscriptionId);
  await db
    .delete(billingSubscriptions)
    .where(eq(billingSubscriptions.stripeSubscriptionId, stripeSubscriptionId));
}
