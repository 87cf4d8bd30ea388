import { eq, getTableColumns, getTableName, inArray, SQL, sql } from "drizzle-orm";
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
  const ahead = readAhead.get(db);
  const key = readAheadKey(mirrored, id);
  if (ahead?.has(key)) return ahead.get(key);
  const [row] = await watermarkQuery(mirrored)(db).execute({ id });
  return row ? (row.at as Date | null) : undefined;
}

/**
 * Watermarks read ahead, in one query per table, for a transaction about to apply a batch
 * of events. Each entry serves reads until the row is written (`forgetWatermark`), after
 * which reads go to the database again; so an entry is only ever what the row holds.
 */
const readAhead = new WeakMap<Db, Map<string, Date | null | undefined>>();
const readAheadKey = (mirrored: MirroredTable, id: string) =>
  `${getTableName(mirrored.table)}:${id}`;

export async function readWatermarksAhead(
  tx: Db,
  mirrored: MirroredTable,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return;
  const rows = await tx
    .select({ id: mirrored.id, at: mirrored.stripeUpdated })
    .from(mirrored.table)
    .where(inArray(mirrored.id, [...ids]));
  const ahead = readAhead.get(tx) ?? new Map();
  readAhead.set(tx, ahead);
  for (const id of ids) ahead.set(readAheadKey(mirrored, id), undefined);
  for (const row of rows)
    ahead.set(readAheadKey(mirrored, row.id as string), row.at as Date | null);
}

/** Every write of a mirrored row calls this, so no read-ahead outlives the row it read. */
export function forgetWatermark(db: Db, mirrored: MirroredTable, id: string): void {
  readAhead.get(db)?.delete(readAheadKey(mirrored, id));
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

interface PreparedUpsert {
  query(db: Db): { execute(values: Record<string, unknown>): Promise<unknown> };
  columns: [string, PgColumn][];
  /** The row property (`stripeSubscriptionId`) holding the table's id. */
  idKey: string;
}
const upserts = new WeakMap<MirroredTable, PreparedUpsert>();

function preparedUpsert(mirrored: MirroredTable): PreparedUpsert {
  let upsert = upserts.get(mirrored);
  if (!upsert) {
    const columns = Object.entries(getTableColumns(mirrored.table)).filter(
      ([key]) => key !== "syncedAt",
    );
    upsert = {
      columns,
      idKey: columns.find(([, column]) => column === mirrored.id)?.[0] ?? "",
      query: preparedPerDb((db) =>
        db
          .insert(mirrored.table)
          // Bare placeholders: values are encoded below, where a null can skip the encoder.
          .values(Object.fromEntries(columns.map(([key]) => [key, sql`${sql.placeholder(key)}`])))
          .onConflictDoUpdate(watermarkedUpsert(mirrored))
          .prepare(`upsert_${getTableName(mirrored.table)}`),
      ),
    };
    upserts.set(mirrored, upsert);
  }
  return upsert;
}

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
  const { query, columns, idKey } = preparedUpsert(mirrored);
  forgetWatermark(db, mirrored, String(row[idKey]));
  const values: Record<string, unknown> = {};
  for (const [key, column] of columns) {
    const fallback = column.default instanceof SQL ? null : (column.default ?? null);
    const value = row[key] === undefined ? fallback : row[key];
    values[key] = value === null ? null : column.mapToDriverValue(value);
  }
  await query(db).execute(values);
}
