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
  let location = dataDir;
  if (!dataDir.startsWith("memory://")) {
    mkdirSync(dataDir, { recursive: true });
    location = join(dataDir, "pglite");
  }
  return wrapPglite(await PGlite.create(location));
}

/** Portico's database on an open PGlite (tests open one from a migrated snapshot). */
export function wrapPglite(client: PGlite): Database {
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
    close: () => client.close(),
  };
}
