import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "src/**/*.test.ts",
      "emulator/**/*.test.ts",
      "web/*.test.ts",
      "packages/*/src/**/*.test.{ts,tsx}",
    ],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Most files wait on the emulator, the database or a child process: two at a time keep
    // both cores busy (10.4 min for the suite against 12.8 with one, 2026-12-02).
    maxWorkers: 2,
  },
});
