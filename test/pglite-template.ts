import { readFile, writeFile } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { inject } from "vitest";
import { type Database, openDatabase } from "../src/db/client.js";
import { MIGRATIONS_TABLE } from "../src/db/migrations.js";
import { pgliteLocation, wrapPglite } from "../src/db/pglite.js";
import { PORTICO_SCHEMA } from "../src/db/schema-name.js";

/**
 * PGlite's data directory dumped once per run, right after initdb and again migrated: a
 * suite loads one in about a second instead of running initdb (four to five seconds of
 * WebAssembly) and every migration.
 */

export async function writePgliteTemplates(paths: { empty: string; migrated: string }) {
  const client = await PGlite.create();
  try {
    const dump = async (path: string) =>
      writeFile(path, Buffer.from(await (await client.dumpDataDir("none")).arrayBuffer()));
    await dump(paths.empty);
    await wrapPglite(client).migrate();
    await dump(paths.migrated);
  } finally {
    await client.close();
  }
}

/**
 * A PGlite as initdb leaves it, with no migration applied: in memory, or in a directory
 * (`join(dir, "pglite")` for a data dir's database, as `openPglite` lays it out).
 */
export async function createEmptyPglite(location = "memory://"): Promise<PGlite> {
  emptyTemplate ??= readFile(inject("pgliteEmptyTemplate")).then((dump) => new Blob([dump]));
  return PGlite.create(location, { loadDataDir: await emptyTemplate });
}
let emptyTemplate: Promise<Blob> | undefined;

/**
 * Instances a suite closed, kept for the next suite in this worker: starting one from the
 * template takes over a second of WebAssembly, emptying its tables a few milliseconds.
 */
const idle: PGlite[] = [];

/** An in-memory PGlite holding the run's migrated template and no rows. */
export async function openPgliteFromTemplate(): Promise<Database> {
  const { client, release } = await borrowPgliteFromTemplate();
  return { ...wrapPglite(client, { owned: false }), close: async () => release() };
}

/** The same as a bare PGlite, e.g. for an embedded Portico; `release` hands it back. */
export async function borrowPgliteFromTemplate(): Promise<{ client: PGlite; release(): void }> {
  let client: PGlite | undefined;
  while (!client && idle.length > 0) client = await emptied(idle.pop() as PGlite);
  client ??= await PGlite.create({ loadDataDir: await readTemplate() });
  const borrowed = client;
  let released = false;
  return {
    client: borrowed,
    release() {
      if (released) return;
      released = true;
      idle.push(borrowed);
    },
  };
}

let template: Promise<Blob> | undefined;
const readTemplate = () => {
  template ??= readFile(inject("pgliteTemplate")).then((dump) => new Blob([dump]));
  return template;
};

/**
 * The instance back in the template's state, or undefined (closed) when a suite changed more
 * than rows: its tables, schemas or functions. Locks, listeners and settings go with the session.
 */
async function emptied(client: PGlite): Promise<PGlite | undefined> {
  try {
    if (client.closed) return undefined;
    await client.exec("rollback; discard all;");
    const shape = await catalogShape(client);
    if (shape !== (await templateShape())) throw new Error("schema changed");
    const tables = await client.query<{ name: string }>(
      `select format('%I.%I', schemaname, tablename) as name from pg_tables
       where schemaname not in ('pg_catalog', 'information_schema') and tablename <> $1`,
      [MIGRATIONS_TABLE],
    );
    const names = tables.rows.map((row) => row.name).join(", ");
    if (names) await client.exec(`truncate ${names} restart identity cascade`);
    return client;
  } catch {
    await client.close().catch(() => {});
    return undefined;
  }
}

let shapeOfTemplate: Promise<string> | undefined;
function templateShape(): Promise<string> {
  shapeOfTemplate ??= (async () => {
    const client = await PGlite.create({ loadDataDir: await readTemplate() });
    try {
      return await catalogShape(client);
    } finally {
      await client.close();
    }
  })();
  return shapeOfTemplate;
}

/** Every user schema's tables, columns, indexes, functions and the drizzle journal's length. */
async function catalogShape(client: PGlite): Promise<string> {
  const result = await client.query<{ shape: string }>(`
    select concat_ws('|',
      (select string_agg(format('%s.%s.%s:%s', table_schema, table_name, column_name, data_type), ',' order by 1)
         from information_schema.columns where table_schema not in ('pg_catalog', 'information_schema')),
      (select string_agg(format('%s.%s', schemaname, indexname), ',' order by 1)
         from pg_indexes where schemaname not in ('pg_catalog', 'information_schema')),
      (select string_agg(format('%s.%s', n.nspname, p.proname), ',' order by 1)
         from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname not in ('pg_catalog', 'information_schema')),
      (select string_agg(nspname, ',' order by 1) from pg_namespace),
      (select count(*) from ${PORTICO_SCHEMA}.${MIGRATIONS_TABLE})
    ) as shape`);
  return result.rows[0]?.shape ?? "";
}

/** A database directory (`databaseOptions(config).dataDir`) holding the migrated template. */
export async function openPgliteDirFromTemplate(dataDir: string): Promise<Database> {
  return wrapPglite(
    await PGlite.create(pgliteLocation(dataDir), { loadDataDir: await readTemplate() }),
  );
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
