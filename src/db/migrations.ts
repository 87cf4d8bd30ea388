import { PORTICO_SCHEMA } from "./schema-name.js";

/** Where drizzle records applied migrations: in Portico's schema, not the host app's `drizzle`. */
export const MIGRATIONS_SCHEMA = PORTICO_SCHEMA;
export const MIGRATIONS_TABLE = "__drizzle_migrations";

export const migrationsFolder = new URL("../../drizzle", import.meta.url).pathname;

/** Held while migrating so that instances starting together don't race. */
export const MIGRATION_LOCK_ID = 7_401_511;

/** The statements to run on the migrating connection before drizzle's migrator. */
const BEFORE_MIGRATIONS = [
  `create schema if not exists ${PORTICO_SCHEMA}`,
  // A database from before the schema (tables in public, history in drizzle's schema) keeps
  // its history: copied, since a host app's own drizzle history may share that table.
  `DO $$ BEGIN
     IF to_regclass('${MIGRATIONS_SCHEMA}.${MIGRATIONS_TABLE}') IS NULL
        AND to_regclass('drizzle.${MIGRATIONS_TABLE}') IS NOT NULL
        AND to_regclass('public.stripe_events') IS NOT NULL THEN
       CREATE TABLE ${MIGRATIONS_SCHEMA}.${MIGRATIONS_TABLE}
         (id serial PRIMARY KEY, hash text NOT NULL, created_at bigint);
       INSERT INTO ${MIGRATIONS_SCHEMA}.${MIGRATIONS_TABLE} (hash, created_at)
         SELECT hash, created_at FROM drizzle.${MIGRATIONS_TABLE} ORDER BY id;
     END IF;
   END $$`,
  // The shipped migrations name their tables unqualified. New tables land in Portico's
  // schema, and a name resolves there first, never to a host's table of the same name in
  // public; public comes second for a database from before the schema, until it moves.
  `set search_path to ${PORTICO_SCHEMA}, public`,
];

const AFTER_MIGRATIONS = "reset search_path";

export interface MigratorOptions {
  migrationsFolder: string;
  migrationsSchema: string;
  migrationsTable: string;
}

/**
 * Runs the migrations in `folder` the way Portico does, on one connection: `exec` runs SQL
 * on it and `migrate` is drizzle's migrator for its driver. The connection's search_path is
 * restored afterwards, even on failure: it may go back to a host app's pool.
 */
export async function runMigrations(
  exec: (statement: string) => Promise<unknown>,
  migrate: (options: MigratorOptions) => Promise<void>,
  folder = migrationsFolder,
) {
  try {
    for (const statement of BEFORE_MIGRATIONS) await exec(statement);
    await migrate({
      migrationsFolder: folder,
      migrationsSchema: MIGRATIONS_SCHEMA,
      migrationsTable: MIGRATIONS_TABLE,
    });
  } finally {
    await exec(AFTER_MIGRATIONS);
  }
}
