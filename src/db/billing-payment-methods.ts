import { and, eq, sql } from "drizzle-orm";
import type { Db } from "./client.js";
import { billingCustomerDetails, billingPaymentMethods } from "./schema.js";
import { forgetWatermark, type MirroredTable, upsertMirrored } from "./watermark.js";

export type PaymentMethodRow = typeof billingPaymentMethods.$inferSelect;
export type NewPaymentMethod = Omit<
  typeof billingPaymentMethods.$inferInsert,
  "syncedAt" | "isDefault"
>;

export const paymentMethodsTable: MirroredTable = {
  table: billingPaymentMethods,
  id: billingPaymentMethods.stripePaymentMethodId,
  stripeUpdated: billingPaymentMethods.stripeUpdated,
};

export async function upsertPaymentMethod(db: Db, row: NewPaymentMethod) {
  await upsertMirrored(db, paymentMethodsTable, row);
}

/** Detached (or gone): the card no longer belongs to anyone Portico knows. */
export async function deletePaymentMethod(db: Db, stripePaymentMethodId: string) {
  forgetWatermark(db, paymentMethodsTable, stripePaymentMethodId);
  await db
    .delete(billingPaymentMethods)
    .where(eq(billingPaymentMethods.stripePaymentMethodId, stripePaymentMethodId));
}

/**
 * Recomputes `is_default` for a customer's cards from the customer's default payment
 * method, whichever of the two arrived last.
 */
export async function refreshDefaultPaymentMethod(db: Db, stripeCustomerId: string) {
  await db
    .update(billingPaymentMethods)
    .set({
      isDefault: sql`coalesce(${billingPaymentMethods.stripePaymentMethodId} = (
        select ${billingCustomerDetails.defaultPaymentMethodId} from ${billingCustomerDetails}
        where ${billingCustomerDetails.stripeCustomerId} = ${stripeCustomerId}), false)`,
    })
    .where(eq(billingPaymentMethods.stripeCustomerId, stripeCustomerId));
}

export async function findPaymentMethod(
  db: Db,
  stripePaymentMethodId: string,
): Promise<PaymentMethodRow | undefined> {
  const [row] = await db
    .select()
    .from(billingPaymentMethods)
    .where(eq(billingPaymentMethods.stripePaymentMethodId, stripePaymentMethodId))
    .limit(1);
  return row;
}

export async function findDefaultPaymentMethod(
  db: Db,
  stripeCustomerId: string,
): Promise<PaymentMethodRow | undefined> {
  const [row] = await db
    .select()
    .from(billingPaymentMethods)
    .where(
      and(
        eq(billingPaymentMethods.stripeCustomerId, stripeCustomerId),
        eq(billingPaymentMethods.isDefault, true),
      ),
    )
    .limit(1);
  return row;
}

export function listPaymentMethods(db: Db, stripeCustomerId: string) {
  return db
    .select()
    .from(billingPaymentMethods)
    .where(eq(billingPaymentMethods.stripeCustomerId, stripeCustomerId));
}
