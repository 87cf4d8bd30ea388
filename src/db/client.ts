import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type pg from "pg";
import type * as schema from "./schema.js";

/** One query surface for both engines: PGlite embedded, or a PostgreSQL server. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  engine: "pglite" | "postgres";
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /**
   * The host app's pool: Portico borrows connections for its queries and never ends it.
   * Takes precedence over `url`.
   */
  pool?: pg.Pool | undefined;
  /** The host app's PGlite, borrowed like a pool: never closed. Takes precedence over `url`. */
  pglite?: PGlite | undefined;
  /** A postgres:// URL. Without one, PGlite runs embedded. */
  url?: string | undefined;
  /** Where PGlite keeps its files; `memory://` for a throwaway database. */
  dataDir?: string;
  poolSize?: number;
}

/** The database a configuration names: its DATABASE_URL, else PGlite under the data dir. */
export function databaseOptions(config: {
  databaseUrl: string | undefined;
  dataDir: string;
}): DatabaseOptions {
  if (config.databaseUrl) return { url: config.databaseUrl };
  return {
    dataDir: config.dataDir.startsWith("memory://") ? config.dataDir : join(config.dataDir, "db"),
  };
}

/**
 * Each engine's driver is loaded only when used: an app on PostgreSQL never loads PGlite's
 * WebAssembly, and one on PGlite needs no `pg` installed.
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.pglite) {
    const { wrapPglite } = await import("./pglite.js");
    return wrapPglite(options.pglite, { owned: false });
  }
  if (options.pool || options.url) {
    const { openPostgres } = await import("./postgres.js");
    return openPostgres(options);
  }
  const { openPglite } = await import("./pglite.js");
  return openPglite(options.dataDir ?? "memory://");
}
