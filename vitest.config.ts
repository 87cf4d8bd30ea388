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
    // A worker runs file after file in one module graph: the app's modules load once (suites
    // must close what they open; each makes its own database on the run's PostgreSQL).
    isolate: false,
    maxWorkers: 2,
  },
});
