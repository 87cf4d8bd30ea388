import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { type Database, openDatabase } from "../src/db/client.js";

/**
 * The server suites make their databases on: TEST_DATABASE_URL's, else the run's embedded
 * one (see test/global-setup.ts).
 */
export function testServerUrl(): string {
  return process.env.TEST_DATABASE_URL ?? inject("testDatabaseUrl");
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database per suite, so suites never see each other's rows. */
export async function createTestDatabase(admin = testServerUrl()): Promise<TestDatabase> {
  const name = `portico_test_${randomBytes(6).toString("hex")}`;
  await withAdmin(admin, (client) => client.query(`create database ${name}`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    drop: () =>
      withAdmin(admin, (client) => client.query(`drop database if exists ${name} with (force)`)),
  };
}

/**
 * The database at `url` (a suite's, from `createTestDatabase`), migrated and open; without
 * one, a fresh database that closing drops.
 */
export async function openMigratedTestDatabase(
  url?: string,
  options: { poolSize?: number } = {},
): Promise<Database & { url: string }> {
  const database = url
    ? Object.assign(await openDatabase({ url, ...options }), { url })
    : await openEmptyTestDatabase(options);
  await database.migrate();
  return database;
}

/** A fresh database before any migration, open; closing it drops it. */
export async function openEmptyTestDatabase(
  options: { poolSize?: number } = {},
): Promise<Database & { url: string }> {
  const created = await createTestDatabase();
  const database = await openDatabase({ url: created.url, ...options });
  return {
    ...database,
    url: created.url,
    close: async () => {
      await database.close();
      await created.drop();
    },
  };
}

/** The databases Portico created for the projects of the database at `url`. */
export async function dropProjectDatabases(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await withAdmin(url, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      "select datname from pg_database where starts_with(datname, $1)",
      [`${name}_p_`],
    );
    for (const { datname } of rows) {
      await client.query(`drop database if exists "${datname}" with (force)`);
    }
  });
}

async function withAdmin(url: string, run: (client: pg.Client) => Promise<unknown>) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await run(client);
  } finally {
    await client.end();
  }
}
