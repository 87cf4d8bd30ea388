import { and, count, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
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

/** How many of the user's customers in one mode were found deleted in Stripe. */
export async function countDeletedBillingCustomers(
  db: Db,
  userId: string,
  livemode: boolean,
): Promise<number> {
  const [row] = await db
    .select({ deleted: count() })
    .from(billingCustomers)
    .where(
      and(
        eq(billingCustomers.userId, userId),
        eq(billingCustomers.livemode, livemode),
        isNotNull(billingCustomers.deletedAt),
      ),
    );
  return row?.deleted ?? 0;
}

/** Links a Stripe customer to a user; false when the user already has one in that mode. */
export async function linkBillingCustomer(
  db: Db,
  userId: string,
  livemode: boolean,
  stripeCustomerId: string,
): Promise<boolean> {
  ownersAhead.get(db)?.delete(stripeCustomerId);
  const rows = await db
    .insert(billingCustomers)
    .values({ userId, livemode, stripeCustomerId })
    .onConflictDoNothing()
    .returning({ id: billingCustomers.id });
  return rows.length > 0;
}

/** Stripe says the customer is gone: keep the row for the record, stop using it. */
export async function markBillingCustomerDeleted(db: Db, stripeCustomerId: string) {
  ownersAhead.get(db)?.delete(stripeCustomerId);
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

type Owner = { userId: string; livemode: boolean };

export async function findCustomerOwner(
  db: Db,
  stripeCustomerId: string,
): Promise<Owner | undefined> {
  const ahead = ownersAhead.get(db);
  if (ahead?.has(stripeCustomerId)) return ahead.get(stripeCustomerId);
  const [row] = await customerOwnerQuery(db).execute({ stripeCustomerId });
  return row;
}

/**
 * Owners read ahead, in one query, for a transaction about to apply a batch of events;
 * linking or unlinking a customer in that transaction drops its entry.
 */
const ownersAhead = new WeakMap<Db, Map<string, Owner | undefined>>();

export async function readOwnersAhead(tx: Db, stripeCustomerIds: readonly string[]) {
  if (stripeCustomerIds.length === 0) return;
  const rows = await tx
    .select({
      stripeCustomerId: billingCustomers.stripeCustomerId,
      userId: billingCustomers.userId,
      livemode: billingCustomers.livemode,
    })
    .from(billingCustomers)
    .where(
      and(
        inArray(billingCustomers.stripeCustomerId, [...stripeCustomerIds]),
        isNull(billingCustomers.deletedAt),
      ),
    );
  const ahead = ownersAhead.get(tx) ?? new Map();
  ownersAhead.set(tx, ahead);
  for (const id of stripeCustomerIds) ahead.set(id, undefined);
  for (const { stripeCustomerId, ...owner } of rows) ahead.set(stripeCustomerId, owner);
}
