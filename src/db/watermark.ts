import { eq, getTableColumns, getTableName, type SQL, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Db } from "./client.js";
import { jsonRows } from "./json-rows.js";
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
  const rows = await watermarksQuery(mirrored)(tx).execute({ ids: [...new Set(ids)] });
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

/** What a held-back row will hold (an event's row is written only forward). */
function rememberWatermark(db: Db, mirrored: MirroredTable, id: string, at: Date): void {
  const ahead = readAhead.get(db) ?? new Map();
  readAhead.set(db, ahead);
  ahead.set(readAheadKey(mirrored, id), at);
}

/** Watermarks of many rows of one table: one statement, prepared once per table. */
const watermarksQueries = new WeakMap<MirroredTable, (db: Db) => WatermarksQuery>();
type WatermarksQuery = {
  execute(values: { ids: string[] }): Promise<{ id: unknown; at: unknown }[]>;
};

function watermarksQuery(mirrored: MirroredTable) {
  let query = watermarksQueries.get(mirrored);
  if (!query) {
    query = preparedPerDb((db) =>
      db
        .select({ id: mirrored.id, at: mirrored.stripeUpdated })
        .from(mirrored.table)
        .where(sql`${mirrored.id} = any(${sql.placeholder("ids")}::text[])`)
        .prepare(`watermarks_${getTableName(mirrored.table)}`),
    );
    watermarksQueries.set(mirrored, query);
  }
  return query;
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
  query(db: Db): { execute(values: { rows: string }): Promise<unknown> };
  rows: ReturnType<typeof jsonRows>;
  /** The row properties holding the table's id and its watermark. */
  idKey: string;
  watermarkKey: string;
}
const upserts = new WeakMap<MirroredTable, PreparedUpsert>();

/** The upsert of any number of rows (`jsonRows`), prepared once per table and database. */
function preparedUpsert(mirrored: MirroredTable): PreparedUpsert {
  let upsert = upserts.get(mirrored);
  if (!upsert) {
    // Every column but `synced_at`, which is the write's own time.
    const rows = jsonRows(mirrored.table, { syncedAt: sql`now()` });
    const keyOf = (wanted: PgColumn) =>
      rows.columns.find(([, column]) => column === wanted)?.[0] ?? "";
    upsert = {
      rows,
      idKey: keyOf(mirrored.id),
      watermarkKey: keyOf(mirrored.stripeUpdated),
      query: preparedPerDb((db) =>
        db
          .insert(mirrored.table)
          .select(rows.select())
          .onConflictDoUpdate(watermarkedUpsert(mirrored))
          .prepare(`upsert_${getTableName(mirrored.table)}`),
      ),
    };
    upserts.set(mirrored, upsert);
  }
  return upsert;
}

async function writeRows(db: Db, mirrored: MirroredTable, rows: Record<string, unknown>[]) {
  const upsert = preparedUpsert(mirrored);
  await upsert.query(db).execute({ rows: upsert.rows.param(rows) });
}

/**
 * Rows held back by a transaction applying a batch of events (`deferMirroredWrites`), by
 * table and id: the newest write of each row, to be written in one statement per table.
 */
const deferred = new WeakMap<Db, Map<MirroredTable, Map<string, Record<string, unknown>>>>();

/**
 * From now on, `upsertMirrored` in `tx` holds its rows back until `flushMirroredWrites`, and
 * reads of their watermarks answer what the rows will hold. Only for work that writes
 * nothing else and reads these rows only through `readWatermark`: anything else must flush
 * first.
 */
export function deferMirroredWrites(tx: Db): void {
  if (!deferred.has(tx)) deferred.set(tx, new Map());
}

/** Writes the rows `tx` held back, one statement per table, and stops holding them. */
export async function flushMirroredWrites(tx: Db): Promise<void> {
  const tables = deferred.get(tx);
  if (!tables) return;
  deferred.delete(tx);
  for (const [mirrored, rows] of tables) {
    for (const id of rows.keys()) forgetWatermark(tx, mirrored, id);
    await writeRows(tx, mirrored, [...rows.values()]);
  }
}

/**
 * Writes a mirrored row with `watermarkedUpsert`; every column but `synced_at` is written.
 * While `tx` defers (see `deferMirroredWrites`) an event's row is held back instead.
 */
export async function upsertMirrored(
  db: Db,
  mirrored: MirroredTable,
  row: Record<string, unknown>,
): Promise<void> {
  const { idKey, watermarkKey } = preparedUpsert(mirrored);
  const id = String(row[idKey]);
  const watermark = row[watermarkKey];
  const tables = deferred.get(db);
  // A pull's row (no watermark) is written at once: `greatest` would keep the stored one.
  if (tables && watermark instanceof Date) {
    const rows = tables.get(mirrored) ?? new Map();
    tables.set(mirrored, rows);
    rows.set(id, row);
    rememberWatermark(db, mirrored, id, watermark);
    return;
  }
  await flushMirroredWrites(db);
  forgetWatermark(db, mirrored, id);
  await writeRows(db, mirrored, [row]);
}
