import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { Database, Db } from "./client.js";
import { runMigrations } from "./migrations.js";
import * as schema from "./schema.js";

/** The embedded engine: PGlite in this process, in a directory or `memory://`. */
export async function openPglite(dataDir: string): Promise<Database> {
  return wrapPglite(await PGlite.create(pgliteLocation(dataDir)));
}

/** Where PGlite keeps a database directory's files (created if missing), or `memory://`. */
export function pgliteLocation(dataDir: string): string {
  if (dataDir.startsWith("memory://")) return dataDir;
  mkdirSync(dataDir, { recursive: true });
  return join(dataDir, "pglite");
}

/** Portico's database on an open PGlite; one it does not own (the host's) is never closed. */
export function wrapPglite(client: PGlite, { owned = true } = {}): Database {
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    engine: "pglite",
    // A single embedded connection: nobody to race with.
    migrate: () =>
      runMigrations(
        (statement) => client.exec(statement),
        (options) => migratePglite(drizzlePglite(client), options),
      ),
    close: async () => {
      if (owned) await client.close();
    },
  };
}
