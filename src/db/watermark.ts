import { eq, getTableColumns, type SQL, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Db } from "./client.js";

/**
 * Tables mirrored from Stripe share one rule: `stripe_updated` holds the `created` of the
 * last event applied to the row, and a write carrying an older one changes nothing. The
 * sync code checks it under the customer's lock; the upsert's WHERE checks it again, so a
 * write that slipped past the lock (another customer key, a bug) still cannot go back.
 */
export interface MirroredTable {
  table: PgTable;
  id: PgColumn;
  stripeUpdated: PgColumn;
}

/** The row's watermark: a date, null (written by a pull, no event yet), undefined (no row). */
export async function readWatermark(
  db: Db,
  mirrored: MirroredTable,
  id: string,
): Promise<Date | null | undefined> {
  const [row] = await db
    .select({ at: mirrored.stripeUpdated })
    .from(mirrored.table)
    .where(eq(mirrored.id, id))
    .limit(1);
  return row ? (row.at as Date | null) : undefined;
}

/**
 * The `on conflict do update` of a mirrored row: every column from the new values, the
 * watermark only ever forward (a pull writes null and keeps it), and no update at all when
 * the stored watermark is newer. Equal is allowed: same-second ties are refetched.
 */
export function watermarkedUpsert(mirrored: MirroredTable) {
  const current = mirrored.stripeUpdated;
  const set: Record<string, SQL> = {};
  for (const [key, column] of Object.entries(getTableColumns(mirrored.table))) {
    if (column.primary) continue;
    set[key] = sql.raw(`excluded."${column.name}"`);
  }
  set.stripeUpdated = sql`greatest(${current}, excluded.stripe_updated)`;
  set.syncedAt = sql`now()`;
  return {
    target: mirrored.id,
    set,
    setWhere: sql`${current} is null or excluded.stripe_updated is null or ${current} <= excluded.stripe_updated`,
  };
}
