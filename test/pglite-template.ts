import { readFile, writeFile } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { inject } from "vitest";
import { type Database, openDatabase } from "../src/db/client.js";
import { wrapPglite } from "../src/db/pglite.js";

/**
 * A migrated PGlite, dumped once per run: a suite loads it in a few seconds instead of
 * running initdb and every migration in WebAssembly (three to four times as long, more on
 * a busy machine). Suites that test migrations themselves open a fresh database instead.
 */

export async function writePgliteTemplate(path: string): Promise<void> {
  const client = await PGlite.create();
  try {
    await wrapPglite(client).migrate();
    const dump = await client.dumpDataDir("none");
    await writeFile(path, Buffer.from(await dump.arrayBuffer()));
  } finally {
    await client.close();
  }
}

/** A fresh in-memory PGlite holding the run's migrated template. */
export async function openPgliteFromTemplate(): Promise<Database> {
  const template = await readFile(inject("pgliteTemplate"));
  return wrapPglite(await PGlite.create({ loadDataDir: new Blob([template]) }));
}

/** The suite's database, migrated: on PostgreSQL its URL, else a PGlite from the template. */
export async function openMigratedTestDatabase(
  url: string | undefined,
  options: { poolSize?: number } = {},
): Promise<Database> {
  if (!url) return openPgliteFromTemplate();
  const database = await openDatabase({ url, ...options });
  await database.migrate();
  return database;
}
