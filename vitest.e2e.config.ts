import { defineConfig } from "vitest/config";

/** `npm run test:e2e`: the web app in Chromium against Portico and the emulator; not in `npm test`. */
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.test.ts", "test/package/*.test.ts"],
    // Builds web/ when web/dist is missing or stale, then starts the run's one emulator.
    globalSetup: ["test/global-setup.ts", "test/e2e/build-package.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Each file drives its own Chromium; two at a time is what a 2-core CI machine bears.
    maxWorkers: 2,
  },
});
