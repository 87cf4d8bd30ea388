import { eq } from "drizzle-orm";
import type { Db } from "./client.js";
import { billingCustomerDetails } from "./schema.js";
import { type MirroredTable, upsertMirrored } from "./watermark.js";

export type CustomerDetailsRow = typeof billingCustomerDetails.$inferSelect;
export type NewCustomerDetails = Omit<typeof billingCustomerDetails.$inferInsert, "syncedAt">;

export const customerDetailsTable: MirroredTable = {
  table: billingCustomerDetails,
  id: billingCustomerDetails.stripeCustomerId,
  stripeUpdated: billingCustomerDetails.stripeUpdated,
};

export async function upsertCustomerDetails(db: Db, row: NewCustomerDetails) {
  await upsertMirrored(db, customerDetailsTable, row);
}

export async function findCustomerDetails(
  db: Db,
  stripeCustomerId: string,
): Promise<CustomerDetailsRow | undefined> {
  const [row] = await db
    .select()
    .from(billingCustomerDetails)
    .where(eq(billingCustomerDetails.stripeCustomerId, stripeCustomerId))
    .limit(1);
  return row;
}
