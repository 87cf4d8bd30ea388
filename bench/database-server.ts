import { type EmbeddedPostgres, openEmbeddedPostgres } from "../src/db/embedded-postgres.js";
import { makeDataDir, removeDataDir } from "../test/data-dir.js";
import { createTestDatabase, type TestDatabase } from "../test/database.js";

/**
 * The PostgreSQL server a bench runs Portico on: BENCH_DATABASE_URL's (or TEST_DATABASE_URL's),
 * else Portico's own embedded PostgreSQL, what `npm start` runs without DATABASE_URL, started
 * in a scratch data directory and stopped at the end. Runs get fresh databases on it, so a
 * reused server keeps no earlier run's rows in what is measured.
 */
export interface DatabaseServer {
  /** Which server, for the report. */
  label: string;
  /** A new, empty database on the server; Portico migrates it when it starts. */
  createDatabase(): Promise<TestDatabase>;
  close(): Promise<void>;
}

export async function openDatabaseServer(): Promise<DatabaseServer> {
  const given = process.env.BENCH_DATABASE_URL ? "BENCH_DATABASE_URL" : "TEST_DATABASE_URL";
  const url = process.env[given];
  if (url) {
    return {
      label: `PostgreSQL (${given})`,
      createDatabase: () => createTestDatabase(url),
      close: async () => {},
    };
  }
  // Mode 0755: as root the server runs as an unprivileged account, which must reach it.
  const dataDir = makeDataDir("portico-bench-postgres");
  let server: EmbeddedPostgres;
  try {
    server = await openEmbeddedPostgres(dataDir);
  } catch (error) {
    removeDataDir(dataDir);
    throw error;
  }
  return {
    label: "embedded PostgreSQL",
    createDatabase: () => createTestDatabase(server.url),
    async close() {
      try {
        await server.close();
      } finally {
        // Stops the server too if something still held a connection to it.
        removeDataDir(dataDir);
      }
    },
  };
}
