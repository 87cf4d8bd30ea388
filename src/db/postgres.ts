import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import type { Database, DatabaseOptions, Db } from "./client.js";
import { MIGRATION_LOCK_ID, runMigrations } from "./migrations.js";
import * as schema from "./schema.js";

/** A PostgreSQL server through a pool: Portico's own (from `url`), or the host app's. */
export function openPostgres(options: DatabaseOptions): Database {
  if (options.pool) return postgresDatabase(options.pool, undefined);
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
  return postgresDatabase(pool, options.url);
}

/** `url` is set when Portico made the pool (and so ends it); a borrowed pool has none. */
function postgresDatabase(pool: pg.Pool, url: string | undefined): Database {
  const owned = url !== undefined;
  // A lost connection (the server restarting, a backend terminated) must not crash the
  // process: pg emits it as an `error` on the client, and the pool listens only while the
  // client is idle. A checked-out client's statement fails instead, with a retryable error.
  if (owned) {
    pool.on("error", () => {});
    pool.on("connect", (client) => client.on("error", () => {}));
  }
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    db,
    url,
    async migrate() {
      const client = await pool.connect();
      try {
        await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
        await runMigrations(
          (statement) => client.query(statement),
          (options) => migratePg(drizzlePg(client), options),
        );
      } finally {
        await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]).catch(() => {});
        client.release();
      }
    },
    close: async () => {
      if (owned) await pool.end();
    },
  };
}
