import { spawnSync } from "node:child_process";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { porticoCommand } from "../../test/cli-process.js";
import { createTestDatabase } from "../../test/database.js";
import { migrationsBefore } from "../../test/old-migrations.js";
import { openDatabase } from "./client.js";
import { readMigrationJournal, readMigrationStatus } from "./health.js";
import { runMigrations } from "./migrations.js";

const rowsOf = async (client: pg.Client, query: string) => (await client.query(query)).rows;

describe("Portico's tables live in the portico schema", () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    // Last in, first out: a connection ends before its database is dropped.
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function connect(url: string) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    cleanup.push(() => client.end());
    return client;
  }

  it("moves a database from before the schema, keeping its rows and its history", async () => {
    const { url, drop } = await createTestDatabase();
    const old = migrationsBefore("0006_portico_schema");
    cleanup.push(drop, old.remove);
    // As a build from before the schema migrated: drizzle's defaults, tables in public.
    const client = await connect(url);
    await migrate(drizzle(client), { migrationsFolder: old.folder });
    await client.query("insert into public.users (email) values ('kept@example.com')");

    const database = await openDatabase({ url });
    try {
      await database.migrate();
      expect(await readMigrationStatus(database.db)).toMatchObject({ pending: [] });
    } finally {
      await database.close();
    }
    expect(await rowsOf(client, "select email from portico.users")).toEqual([
      { email: "kept@example.com" },
    ]);
    expect(await rowsOf(client, "select to_regclass('public.users') as t")).toEqual([{ t: null }]);
    // Applied once: the history came along, so 0000 did not run again into the portico schema.
    const [history] = await rowsOf(
      client,
      "select count(*)::int as n from portico.__drizzle_migrations",
    );
    expect(history).toEqual({ n: readMigrationJournal().length });
  });

  it("installs beside a host app's own users table and drizzle history, touching neither", async () => {
    const { url, drop } = await createTestDatabase();
    cleanup.push(drop);
    const client = await connect(url);
    await client.query(`
      create table public.users (id serial primary key, name text not null);
      insert into public.users (name) values ('host');
      create schema drizzle;
      create table drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint);
      insert into drizzle.__drizzle_migrations (hash, created_at) values ('host-app', 1);
    `);
    const [searchPathBefore] = await rowsOf(client, "show search_path");
    // The steps `Database.migrate()` takes, on this one connection.
    await runMigrations(
      (statement) => client.query(statement),
      (options) => migrate(drizzle(client), options),
    );

    expect(await rowsOf(client, "select name from public.users")).toEqual([{ name: "host" }]);
    expect(await rowsOf(client, "select hash from drizzle.__drizzle_migrations")).toEqual([
      { hash: "host-app" },
    ]);
    const [portico] = await rowsOf(client, "select count(*)::int as n from portico.users");
    expect(portico).toEqual({ n: 0 });
    const [searchPath] = await rowsOf(client, "show search_path");
    expect(searchPath).toEqual(searchPathBefore);
    // Only the rate-limit windows are unlogged (their commits wait for no disk flush).
    expect(
      await rowsOf(
        client,
        "select relname from pg_class where relnamespace = 'portico'::regnamespace and relpersistence = 'u' and relkind = 'r'",
      ),
    ).toEqual([{ relname: "rate_limits" }]);
  });

  it("puts them in PORTICO_DB_SCHEMA's schema instead, and refuses public", async () => {
    const { url, drop } = await createTestDatabase();
    cleanup.push(drop);
    const migrateWith = (schema: string) =>
      spawnSync(...porticoCommand("migrate"), {
        encoding: "utf8",
        env: { ...process.env, DATABASE_URL: url, PORTICO_DB_SCHEMA: schema },
      });
    const migrated = migrateWith("billing_data");
    expect(migrated.status, migrated.stderr).toBe(0);
    const refused = migrateWith("public");
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('PORTICO_DB_SCHEMA: "public" must be a lower-case identifier');
    expect(refused.stderr).not.toMatch(/\n\s+at /);

    const client = await connect(url);
    const tables = await rowsOf(
      client,
      "select table_schema as schema, count(*)::int as n from information_schema.tables where table_name in ('users', 'stripe_events', '__drizzle_migrations') group by 1",
    );
    expect(tables).toEqual([{ schema: "billing_data", n: 3 }]);
  });
});
