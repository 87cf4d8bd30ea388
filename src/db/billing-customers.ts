import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "./client.js";
import { preparedPerDb } from "./prepared.js";
import { billingCustomers } from "./schema.js";

const billingCustomerQuery = preparedPerDb((db) =>
  db
    .select({ id: billingCustomers.id, stripeCustomerId: billingCustomers.stripeCustomerId })
    .from(billingCustomers)
    .where(
      and(
        eq(billingCustomers.userId, sql.placeholder("userId")),
        eq(billingCustomers.livemode, sql.placeholder("livemode")),
        isNull(billingCustomers.deletedAt),
      ),
    )
    .limit(1)
    .prepare("find_billing_customer"),
);

/** The user's live link to a Stripe customer in one mode. */
export async function findBillingCustomer(db: Db, userId: string, livemode: boolean) {
  const [row] = await billingCustomerQuery(db).execute({ userId, livemode });
  return row;
}

/** Links a Stripe customer to a user; false when the user already has one in that mode. */
export async function linkBillingCustomer(
  db: Db,
  userId: string,
  livemode: boolean,
  stripeCustomerId: string,
): Promise<boolean> {
  const rows = await db
    .insert(billingCustomers)
    .values({ userId, livemode, stripeCustomerId })
    .onConflictDoNothing()
    .returning({ id: billingCustomers.id });
  return rows.length > 0;
}

/** Stripe says the customer is gone: keep the row for the record, stop using it. */
export async function markBillingCustomerDeleted(db: Db, stripeCustomerId: string) {
  await db
    .update(billingCustomers)
    .set({ deletedAt: sql`now()` })
    .where(
      and(
        eq(billingCustomers.stripeCustomerId, stripeCustomerId),
        isNull(billingCustomers.deletedAt),
      ),
    );
}

/** Who a Stripe customer belongs to: its live link, if any. */
const customerOwnerQuery = preparedPerDb((db) =>
  db
    .select({ userId: billingCustomers.userId, livemode: billingCustomers.livemode })
    .from(billingCustomers)
    .where(
      and(
        eq(billingCustomers.stripeCustomerId, sql.placeholder("stripeCustomerId")),
        isNull(billingCustomers.deletedAt),
      ),
    )
    .limit(1)
    .prepare("find_customer_owner"),
);

export async function findCustomerOwner(
  db: Db,
  stripeCustomerId: string,
): Promise<{ userId: string; livemode: boolean } | undefined> {
  const [row] = await customerOwnerQuery(db).execute({ stripeCustomerId });
  return row;
}
