import { and, count, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { type PgColumn, QueryBuilder } from "drizzle-orm/pg-core";
import type { RateLimitRule } from "../config.js";
import type { Db } from "./client.js";
import { markLinkedSql } from "./pending-billing-changes.js";
import { preparedPerDb } from "./prepared.js";
import {
  countHitsSql,
  limitResult,
  type RateLimitResult,
  rateLimitHitReading,
} from "./rate-limits.js";
import { billingCustomers } from "./schema.js";
import { type Subject, subjectColumns, subjectOf, whereSubject } from "./subjects.js";

const liveLink = and(
  eq(billingCustomers.livemode, sql.placeholder("livemode")),
  isNull(billingCustomers.deletedAt),
);
const linkColumns = {
  id: billingCustomers.id,
  stripeCustomerId: billingCustomers.stripeCustomerId,
};

// One prepared statement per subject type: each has its own unique index to use.
const userCustomerQuery = preparedPerDb((db) =>
  db
    .select(linkColumns)
    .from(billingCustomers)
    .where(and(eq(billingCustomers.userId, sql.placeholder("id")), liveLink))
    .limit(1)
    .prepare("find_user_billing_customer"),
);

const organizationCustomerQuery = preparedPerDb((db) =>
  db
    .select(linkColumns)
    .from(billingCustomers)
    .where(and(eq(billingCustomers.organizationId, sql.placeholder("id")), liveLink))
    .limit(1)
    .prepare("find_organization_billing_customer"),
);

/** The subject's live customer id in a mode: a scalar subquery on placeholders `id`, `livemode`. */
const liveCustomerIdOf = (subjectColumn: PgColumn) =>
  sql<string | null>`(${new QueryBuilder()
    .select({ id: billingCustomers.stripeCustomerId })
    .from(billingCustomers)
    .where(and(eq(subjectColumn, sql.placeholder("id")), liveLink))
    .limit(1)})`;

const customerIdHits = {
  user: rateLimitHitReading("hit_finding_user_customer", liveCustomerIdOf(billingCustomers.userId)),
  organization: rateLimitHitReading(
    "hit_finding_organization_customer",
    liveCustomerIdOf(billingCustomers.organizationId),
  ),
};

/**
 * Counts a hit against the rate limit `key` and reads the subject's live customer id in one
 * mode, in one statement: for the portal, which needs both before it may call Stripe.
 */
export function hitRateLimitFindingCustomer(
  db: Db,
  limit: { key: string; rule: RateLimitRule },
  subject: Subject,
  livemode: boolean,
) {
  return customerIdHits[subject.type](db, limit.key, limit.rule, { id: subject.id, livemode });
}

/** One portal request's admission: its rate-limit key, and whose customer it needs. */
export interface CustomerAdmission {
  key: string;
  subject: Subject;
  livemode: boolean;
}

/** An admission's answer: the rate limit's, and the subject's customer id (`also`). */
export type AdmittedCustomer = RateLimitResult & { also: string | null | undefined };

/**
 * `hitRateLimitFindingCustomer` for a group of requests, in one statement: the portal's
 * requests arriving together share it. Each key's hits are counted by one upsert, and each
 * request answered as if the group's hits had come one by one, in order. Answers each
 * request's limit and customer id, in order.
 */
export async function hitRateLimitsFindingCustomers(
  db: Db,
  rule: RateLimitRule,
  admissions: readonly CustomerAdmission[],
): Promise<AdmittedCustomer[]> {
  if (admissions.length === 1) {
    const [one] = admissions as [CustomerAdmission];
    return [
      await hitRateLimitFindingCustomer(db, { key: one.key, rule }, one.subject, one.livemode),
    ];
  }
  const requests = JSON.stringify(
    admissions.map(({ key, subject, livemode }, position) => {
      const { userId, organizationId } = subjectColumns(subject);
      return { position, key, user_id: userId, organization_id: organizationId, livemode };
    }),
  );
  const customerOf = (column: string) => sql`(select customer.stripe_customer_id
    from ${billingCustomers} as customer
    where customer.${sql.raw(column)} = request.${sql.raw(column)}
      and customer.livemode = request.livemode and customer.deleted_at is null
    limit 1)`;
  const result = (await db.execute(sql`with request as (
      select * from jsonb_to_recordset(${requests}::jsonb)
        as request(position int, key text, user_id uuid, organization_id uuid, livemode boolean)
    ),
    counted as (${countHitsSql(sql`select key, count(*)::int as hits from request group by key`, rule.windowSeconds)})
    select request.position, counted.count, counted.reset_in,
      coalesce(${customerOf("user_id")}, ${customerOf("organization_id")}) as customer_id
    from request join counted using (key)
    order by request.position`)) as unknown as {
    rows: { position: number; count: number; reset_in: number; customer_id: string | null }[];
  };
  // A key's count is after all of its hits in the group: the last of them is that count,
  // each earlier one a count less.
  const later = new Map<string, number>();
  const answers = new Array<AdmittedCustomer>(admissions.length);
  for (const row of result.rows.reverse()) {
    const key = (admissions[row.position] as CustomerAdmission).key;
    const after = later.get(key) ?? 0;
    later.set(key, after + 1);
    answers[row.position] = {
      ...limitResult({ count: row.count - after, resetIn: row.reset_in }, rule),
      also: row.customer_id ?? undefined,
    };
  }
  return answers;
}

/** The subject's live link to a Stripe customer in one mode. */
export async function findBillingCustomer(db: Db, subject: Subject, livemode: boolean) {
  const query = subject.type === "user" ? userCustomerQuery : organizationCustomerQuery;
  const [row] = await query(db).execute({ id: subject.id, livemode });
  return row;
}

/** How many of the subject's customers in one mode were found deleted in Stripe. */
export async function countDeletedBillingCustomers(
  db: Db,
  subject: Subject,
  livemode: boolean,
): Promise<number> {
  const [row] = await db
    .select({ deleted: count() })
    .from(billingCustomers)
    .where(
      and(
        whereSubject(billingCustomers, subject),
        eq(billingCustomers.livemode, livemode),
        isNotNull(billingCustomers.deletedAt),
      ),
    );
  return row?.deleted ?? 0;
}

/**
 * Links a Stripe customer to a subject; false when the subject already has one in that mode.
 * Every link is made here, and marked for `customer.linked` by the same statement, so no
 * caller (checkout, an operator's link, an import, sync) can link without apps being told.
 */
export async function linkBillingCustomer(
  db: Db,
  subject: Subject,
  livemode: boolean,
  stripeCustomerId: string,
): Promise<boolean> {
  ownersAhead.get(db)?.delete(stripeCustomerId);
  const { userId, organizationId } = subjectColumns(subject);
  const result = (await db.execute(sql`
    with linked as (
      insert into ${billingCustomers} (user_id, organization_id, livemode, stripe_customer_id)
      values (${userId}, ${organizationId}, ${livemode}, ${stripeCustomerId})
      on conflict do nothing
      returning id
    ), marked as (${markLinkedSql(stripeCustomerId, livemode)})
    select id from linked`)) as unknown as { rows: unknown[] };
  return result.rows.length > 0;
}

/** The subject a customer is or was linked to (a link found deleted included), and its mode. */
export async function findCustomerSubject(
  db: Db,
  stripeCustomerId: string,
): Promise<CustomerOwner | undefined> {
  const [row] = await db
    .select(ownerColumns)
    .from(billingCustomers)
    .where(eq(billingCustomers.stripeCustomerId, stripeCustomerId))
    .limit(1);
  return toOwner(row);
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

const ownerColumns = {
  userId: billingCustomers.userId,
  organizationId: billingCustomers.organizationId,
  livemode: billingCustomers.livemode,
};

/** Who a Stripe customer belongs to: its live link, if any. */
const customerOwnerQuery = preparedPerDb((db) =>
  db
    .select(ownerColumns)
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

/** The subject a customer is linked to, and the mode of the link. */
export type CustomerOwner = { subject: Subject; livemode: boolean };

type OwnerRow = { userId: string | null; organizationId: string | null; livemode: boolean };

function toOwner(row: OwnerRow | undefined): CustomerOwner | undefined {
  const subject = row && subjectOf(row);
  return row && subject ? { subject, livemode: row.livemode } : undefined;
}

export async function findCustomerOwner(
  db: Db,
  stripeCustomerId: string,
): Promise<CustomerOwner | undefined> {
  const ahead = ownersAhead.get(db);
  if (ahead?.has(stripeCustomerId)) return ahead.get(stripeCustomerId);
  const [row] = await customerOwnerQuery(db).execute({ stripeCustomerId });
  return toOwner(row);
}

/**
 * Owners read ahead, in one query, for a transaction about to apply a batch of events;
 * linking or unlinking a customer in that transaction drops its entry.
 */
const ownersAhead = new WeakMap<Db, Map<string, CustomerOwner | undefined>>();

const ownersQuery = preparedPerDb((db) =>
  db
    .select({ stripeCustomerId: billingCustomers.stripeCustomerId, ...ownerColumns })
    .from(billingCustomers)
    .where(
      and(
        sql`${billingCustomers.stripeCustomerId} = any(${sql.placeholder("ids")}::text[])`,
        isNull(billingCustomers.deletedAt),
      ),
    )
    .prepare("read_owners_ahead"),
);

export async function readOwnersAhead(tx: Db, stripeCustomerIds: readonly string[]) {
  if (stripeCustomerIds.length === 0) return;
  const rows = await ownersQuery(tx).execute({ ids: [...stripeCustomerIds] });
  const ahead = ownersAhead.get(tx) ?? new Map();
  ownersAhead.set(tx, ahead);
  for (const id of stripeCustomerIds) ahead.set(id, undefined);
  for (const { stripeCustomerId, ...owner } of rows) ahead.set(stripeCustomerId, toOwner(owner));
}
