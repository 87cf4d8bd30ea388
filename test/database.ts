import { randomBytes } from "node:crypto";
import pg from "pg";

export type TestEngine = "pglite" | "postgres";

/** Which engines the database tests run on: always PGlite, and PostgreSQL when TEST_DATABASE_URL is set. */
export const TEST_ENGINES: TestEngine[] = process.env.TEST_DATABASE_URL
  ? ["pglite", "postgres"]
  : ["pglite"];

export interface TestDatabase {
  /** A postgres:// URL, or undefined for an in-memory PGlite. */
  url: string | undefined;
  drop(): Promise<void>;
}

/** A fresh, empty database per suite, so suites never see each other's rows. */
export async function createTestDatabase(
  engine: TestEngine,
  admin = process.env.TEST_DATABASE_URL,
): Promise<TestDatabase> {
  if (engine === "pglite" || !admin) return { url: undefined, drop: async () => {} };
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
