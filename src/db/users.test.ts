import { sql } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../test/database.js";
import { migrationsBefore as oldMigrations } from "../../test/old-migrations.js";
import type { Db } from "./client.js";
import { runMigrations } from "./migrations.js";
import * as schema from "./schema.js";
import { upsertExternalUser } from "./users.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function migrationsBefore(tag: string): string {
  const copy = oldMigrations(tag);
  cleanups.push(copy.remove);
  return copy.folder;
}

/** A fresh database that can be migrated from any folder. */
async function openBareDatabase() {
  const created = await createTestDatabase();
  cleanups.push(created.drop);
  const pool = new pg.Pool({ connectionString: created.url, max: 2 });
  cleanups.push(() => pool.end());
  return {
    db: drizzlePg(pool, { schema }) as unknown as Db,
    migrateOld: (folder: string) => migratePg(drizzlePg(pool), { migrationsFolder: folder }),
    migrate: async () => {
      const client = await pool.connect();
      try {
        await runMigrations(
          (statement) => client.query(statement),
          (options) => migratePg(drizzlePg(client), options),
        );
      } finally {
        client.release();
      }
    },
  };
}

describe("external identity migration", () => {
  it("splits each `iss|sub` key at the first `|`, and the user signs in as before", async () => {
    const database = await openBareDatabase();
    await database.migrateOld(migrationsBefore("0004_external_identity"));
    // The older schema's `external_id` is gone from schema.ts, so the rows are written in SQL.
    const inserted = (await database.db.execute(sql`
      insert into users (external_id, email) values
        ('https://tenant.auth0.com/|auth0|123', null),
        ('jwt|no-issuer', null),
        ('|both', null),
        ('jwt|both', null),
        (null, 'password@example.com')
      returning id, external_id`)) as unknown as {
      rows: { id: string; external_id: string | null }[];
    };
    const auth0 = inserted.rows.find((row) => row.external_id?.startsWith("https://"));

    await database.migrate();

    const rows = await database.db
      .select({
        issuer: schema.users.externalIssuer,
        subject: schema.users.externalSubject,
        email: schema.users.email,
      })
      .from(schema.users);
    expect(rows).toEqual(
      expect.arrayContaining([
        { issuer: "https://tenant.auth0.com/", subject: "auth0|123", email: null },
        // `jwt` was the old stand-in for a token without `iss`.
        { issuer: "", subject: "no-issuer", email: null },
        // Unless an empty `iss` already holds that subject: then both stay apart.
        { issuer: "", subject: "both", email: null },
        { issuer: "jwt", subject: "both", email: null },
        { issuer: null, subject: null, email: "password@example.com" },
      ]),
    );
    expect(rows).toHaveLength(5);
    const user = await upsertExternalUser(database.db, {
      issuer: "https://tenant.auth0.com/",
      subject: "auth0|123",
      email: undefined,
    });
    expect(user.id).toBe(auth0?.id);
  });
});
