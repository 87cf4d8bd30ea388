import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "web/*.test.ts", "packages/*/src/**/*.test.{ts,tsx}"],
    globalSetup: ["test/global-setup.ts"],
    // Generous: a deadline, not a pace. On a busy 2-core machine a test that spawns the CLI
    // three times can take 20 s; a passing test never waits for these.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // A worker runs file after file in one module graph: the app's modules load once, and
    // test/pglite-template.ts hands a suite's emptied PGlite to the next (suites must clean up).
    isolate: false,
    maxWorkers: 2,
  },
});
