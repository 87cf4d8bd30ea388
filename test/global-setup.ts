import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { ensureWebBuild } from "../src/cli/web-build.js";
import { openEmbeddedPostgres } from "../src/db/embedded-postgres.js";
import { buildCompiledCli } from "./cli-process.js";
import { startEmulatorProcess } from "./emulator-process.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Origin of the Stripe emulator shared by the whole run; isolate with `newStripeKeys()`. */
    emulatorUrl: string;
    /** The PostgreSQL server suites create their databases on; see `createTestDatabase()`. */
    testDatabaseUrl: string;
  }
}

/**
 * One emulator process and one PostgreSQL server for the whole run: test files isolate
 * themselves by API key and by database. The server is TEST_DATABASE_URL's, else Portico's
 * own embedded PostgreSQL in a scratch directory, without fsync (its data is thrown away).
 */
export default async function setup(project: TestProject) {
  // The serving tests read the real build; a fresh clone has none (about 2 s to make).
  await ensureWebBuild();
  // The CLI tests spawn the compiled bin; build it once here rather than in one of them.
  buildCompiledCli();
  const scratch = await mkdtemp(join(tmpdir(), "portico-test-"));
  // As root the embedded server runs as an unprivileged account, which must reach it.
  await chmod(scratch, 0o755);
  const [emulator, postgres] = await Promise.all([
    startEmulatorProcess({ compiled: true }),
    process.env.TEST_DATABASE_URL
      ? undefined
      : openEmbeddedPostgres(join(scratch, "postgres"), {
          settings: ["fsync=off", "synchronous_commit=off", "max_connections=300"],
        }),
  ]);
  project.provide("emulatorUrl", emulator.url);
  project.provide("testDatabaseUrl", process.env.TEST_DATABASE_URL ?? postgres?.url ?? "");
  return async () => {
    await emulator.stop();
    await postgres?.close();
    await rm(scratch, { recursive: true, force: true });
  };
}
