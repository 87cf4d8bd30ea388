import { eq, getTableColumns, getTableName, SQL, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Db } from "./client.js";
import { preparedPerDb } from "./prepared.js";

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
  const [row] = await watermarkQuery(mirrored)(db).execute({ id });
  return row ? (row.at as Date | null) : undefined;
}

// Sync reads a watermark per event: built once per table and transaction.
const watermarkQueries = new WeakMap<MirroredTable, (db: Db) => WatermarkQuery>();
type WatermarkQuery = { execute(values: { id: string }): Promise<{ at: unknown }[]> };

function watermarkQuery(mirrored: MirroredTable) {
  let query = watermarkQueries.get(mirrored);
  if (!query) {
    query = preparedPerDb((db) =>
      db
        .select({ at: mirrored.stripeUpdated })
        .from(mirrored.table)
        .where(eq(mirrored.id, sql.placeholder("id")))
        .limit(1)
        .prepare(`watermark_${getTableName(mirrored.table)}`),
    );
    watermarkQueries.set(mirrored, query);
  }
  return query;
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

type UpsertQuery = { execute(values: Record<string, unknown>): Promise<unknown> };
const upsertQueries = new WeakMap<MirroredTable, (db: Db) => UpsertQuery>();

/**
 * Writes a mirrored row with `watermarkedUpsert`, as a statement built once per table and
 * transaction: a webhook batch writes many rows of one table, and building the SQL costs
 * Drizzle as much as running it. Every column but `synced_at` is bound; an absent one
 * takes its plain default (as an insert's DEFAULT would), else null.
 */
export async function upsertMirrored(
  db: Db,
  mirrored: MirroredTable,
  row: Record<string, unknown>,
): Promise<void> {
  const columns = Object.entries(getTableColumns(mirrored.table)).filter(
    ([key]) => key !== "syncedAt",
  );
  let query = upsertQueries.get(mirrored);
  if (!query) {
    query = preparedPerDb((db) =>
      db
        .insert(mirrored.table)
        // Bare placeholders: values are encoded below, where a null can skip the encoder.
        .values(Object.fromEntries(columns.map(([key]) => [key, sql`${sql.placeholder(key)}`])))
        .onConflictDoUpdate(watermarkedUpsert(mirrored))
        .prepare(`upsert_${getTableName(mirrored.table)}`),
    );
    upsertQueries.set(mirrored, query);
  }
  const values: Record<string, unknown> = {};
  for (const [key, column] of columns) {
    const fallback = column.default instanceof SQL ? null : (column.default ?? null);
    const value = row[key] === undefined ? fallback : row[key];
    values[key] = value === null ? null : column.mapToDriverValue(value);
  }
  await query(db).execute(values);
}
