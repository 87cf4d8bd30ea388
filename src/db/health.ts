import { readFileSync } from "node:fs";
import { getTableName, sql } from "drizzle-orm";
import type { Db } from "./client.js";
import { MIGRATIONS_SCHEMA, MIGRATIONS_TABLE } from "./migrations.js";
import type { stripeEvents, webhookDeliveries } from "./schema.js";
import { PORTICO_SCHEMA } from "./schema-name.js";

const journalPath = new URL("../../drizzle/meta/_journal.json", import.meta.url);

interface JournalEntry {
  tag: string;
  /** drizzle stores this as the migration's `created_at`. */
  when: number;
}

/** The migrations this build ships, oldest first. */
export function readMigrationJournal(path: URL | string = journalPath): JournalEntry[] {
  const journal = JSON.parse(readFileSync(path, "utf8")) as { entries: JournalEntry[] };
  return journal.entries.map(({ tag, when }) => ({ tag, when }));
}

export interface MigrationStatus {
  applied: number;
  /** Tags in the journal the database has not applied yet. */
  pending: string[];
}

type Rows<T> = { rows: T[] };

/** Answers only if the database does: a round trip, no table needed. */
export async function pingDatabase(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}

/**
 * Compares drizzle's bookkeeping table with the journal the way drizzle's
 * migrator decides what to run: a journal entry is pending when it is newer
 * than the newest applied migration.
 */
export async function readMigrationStatus(
  db: Db,
  journal: JournalEntry[] = readMigrationJournal(),
): Promise<MigrationStatus> {
  // Before the portico schema, drizzle's own schema held the history.
  const found = (await db.execute(
    sql`select coalesce(to_regclass(${`${MIGRATIONS_SCHEMA}.${MIGRATIONS_TABLE}`}), to_regclass('drizzle.__drizzle_migrations'))::text as "table"`,
  )) as unknown as Rows<{ table: string | null }>;
  const table = found.rows[0]?.table;
  if (!table) return { applied: 0, pending: journal.map((entry) => entry.tag) };
  const result = (await db.execute(
    sql`select count(*)::int as "applied", max(created_at)::text as "latest" from ${sql.raw(table)}`,
  )) as unknown as Rows<{ applied: number; latest: string | null }>;
  const row = result.rows[0];
  const latest = Number(row?.latest ?? 0);
  return {
    applied: Number(row?.applied ?? 0),
    pending: journal.filter((entry) => entry.when > latest).map((entry) => entry.tag),
  };
}

/**
 * Rows of `table` whose `status` is `failed`: webhook events the sync gave up on for now
 * (`stripe_events`), or outgoing deliveries given up for good (`webhook_deliveries`).
 * Undefined when the table does not exist (a database from before it).
 */
export async function countFailedRows(
  db: Db,
  table: typeof stripeEvents | typeof webhookDeliveries,
): Promise<number | undefined> {
  const name = getTableName(table);
  const exists = (await db.execute(
    sql`select to_regclass(${`${PORTICO_SCHEMA}.${name}`}) is not null as "exists"`,
  )) as unknown as Rows<{ exists: boolean }>;
  if (!exists.rows[0]?.exists) return undefined;
  const result = (await db.execute(
    sql`select count(*)::int as "failed" from ${table} where ${table.status} = 'failed'`,
  )) as unknown as Rows<{ failed: number }>;
  return Number(result.rows[0]?.failed ?? 0);
}
