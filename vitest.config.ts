import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "web/*.test.ts", "packages/*/src/**/*.test.{ts,tsx}"],
    globalSetup: ["test/global-setup.ts"],
    // Deadlines, not a pace: beside `stress-ng --cpu 2` a test that spawns the CLI three times
    // took over 20 s, and one of `portico sync` over 90 s. A passing test never waits for them.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: "forks",
    // A worker runs file after file in one module graph: the app's modules load once, and
    // test/pglite-template.ts hands a suite's emptied PGlite to the next (suites must clean up).
    isolate: false,
    maxWorkers: 2,
  },
});
