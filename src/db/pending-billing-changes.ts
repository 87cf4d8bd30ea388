import { asc, eq, type SQL, sql } from "drizzle-orm";
import type { Db } from "./client.js";
import { pendingBillingChanges, webhookEndpoints } from "./schema.js";

export type PendingBillingChange = typeof pendingBillingChanges.$inferSelect;

/** A customer whose billing may have changed, in a mode, and what changed it. */
export interface BillingChangeMark {
  stripeCustomerId: string;
  livemode: boolean;
  /** A Stripe event id, or `sync` for a pull. */
  source: string;
}

/**
 * Notes, in the caller's transaction, that these customers' billing may have changed, so the
 * outbox compares each one's subject with what apps were last told. Several marks of one
 * customer before a dispatch are one row; a link's `linked` survives later marks.
 *
 * Only while somebody listens: with no webhook endpoint in this database (checked in the same
 * statement) and no in-process listener (`listening`), nothing is marked, and sync pays for
 * no dispatch. Apps are told the state as it is when they start listening and it next changes.
 * Answers whether anything was marked: only then has the outbox anything to look at.
 */
export async function markBillingChanged(
  db: Db,
  marks: readonly BillingChangeMark[],
  listening: boolean,
): Promise<boolean> {
  const statement = markBillingChangedSql(marks, listening);
  if (!statement) return false;
  return wroteRows(await db.execute(statement));
}

/** Whether a statement run by `db.execute` wrote any row (its last part, with CTEs). */
export const wroteRows = (result: unknown) =>
  ((result as { rowCount: number | null }).rowCount ?? 0) > 0;

/** The statement of `markBillingChanged` (undefined: nothing to mark), to run with more. */
export function markBillingChangedSql(
  marks: readonly BillingChangeMark[],
  listening: boolean,
): SQL | undefined {
  // One row per customer, the last mark's: an upsert may not touch the same row twice.
  const rows = [...new Map(marks.map((mark) => [mark.stripeCustomerId, mark])).values()];
  if (rows.length === 0) return undefined;
  return sql`
    insert into ${pendingBillingChanges} (stripe_customer_id, livemode, source)
    select * from unnest(
      ${sql.param(rows.map((row) => row.stripeCustomerId))}::text[],
      ${sql.param(rows.map((row) => row.livemode))}::boolean[],
      ${sql.param(rows.map((row) => row.source))}::text[])
    where ${listening} or exists (select 1 from ${webhookEndpoints})
    on conflict (stripe_customer_id) do update
      -- marked_at stays the first mark's: a customer marked again and again keeps its
      -- place in the queue instead of going to its back each time.
      set livemode = excluded.livemode, source = excluded.source`;
}

/**
 * The statement that marks a link made by the `linked` CTE of the same statement (see
 * `linkBillingCustomer`): the link and its mark commit together, in a transaction or not.
 */
export const markLinkedSql = (stripeCustomerId: string, livemode: boolean) => sql`
  insert into ${pendingBillingChanges} (stripe_customer_id, livemode, linked, source)
  select ${stripeCustomerId}::text, ${livemode}::boolean, true, 'link' from linked
  on conflict (stripe_customer_id) do update
    set linked = true, livemode = excluded.livemode, source = excluded.source`;

/**
 * The oldest mark (by its first marking) nobody else holds, locked until the caller's transaction ends. A sync of
 * the same customer writing meanwhile waits for that end, so what the caller reads of the
 * customer cannot change under it; another instance skips the row.
 */
export async function claimPendingBillingChange(tx: Db): Promise<PendingBillingChange | undefined> {
  const [row] = await tx
    .select()
    .from(pendingBillingChanges)
    .orderBy(asc(pendingBillingChanges.markedAt))
    .limit(1)
    .for("update", { skipLocked: true });
  return row;
}

/** Done with a claimed mark (in the transaction that claimed it). */
export async function clearPendingBillingChange(tx: Db, stripeCustomerId: string): Promise<void> {
  await tx
    .delete(pendingBillingChanges)
    .where(eq(pendingBillingChanges.stripeCustomerId, stripeCustomerId));
}
