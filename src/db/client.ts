import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type pg from "pg";
import type * as schema from "./schema.js";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  /** The connection URL, when Portico opened the database itself (not a borrowed pool). */
  url: string | undefined;
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /**
   * The host app's pool: Portico borrows connections for its queries and never ends it.
   * Takes precedence over `url`.
   */
  pool?: pg.Pool | undefined;
  /** A postgres:// URL. */
  url?: string | undefined;
  /**
   * Without a pool or URL: the data directory whose embedded PostgreSQL Portico starts (or
   * finds already running) and uses.
   */
  dataDir?: string;
  poolSize?: number;
}

/** The database a configuration names: its DATABASE_URL, else the data dir's embedded server. */
export function databaseOptions(config: {
  databaseUrl: string | undefined;
  dataDir: string;
}): DatabaseOptions {
  return config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir };
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const { openPostgres } = await import("./postgres.js");
  if (options.pool || options.url) return openPostgres(options);
  const dataDir = options.dataDir;
  if (!dataDir || dataDir.startsWith("memory://")) {
    throw new Error("No database: set DATABASE_URL, or a PORTICO_DATA_DIR for the embedded one");
  }
  const { openEmbeddedPostgres } = await import("./embedded-postgres.js");
  const server = await openEmbeddedPostgres(dataDir);
  const database = openPostgres({ url: server.url, poolSize: options.poolSize });
  return {
    ...database,
    close: async () => {
      await database.close();
      await server.close();
    },
  };
}
