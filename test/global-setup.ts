import type { TestProject } from "vitest/node";
import { ensureWebBuild } from "../src/cli/web-build.js";
import { startEmulatorProcess } from "./emulator-process.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Origin of the Stripe emulator shared by the whole run; isolate with `newStripeKeys()`. */
    emulatorUrl: string;
  }
}

/** One emulator process for the whole run; test files isolate themselves by API key. */
export default async function setup(project: TestProject) {
  // The serving tests read the real build; a fresh clone has none (about 2 s to make).
  await ensureWebBuild();
  const emulator = await startEmulatorProcess();
  project.provide("emulatorUrl", emulator.url);
  return async () => {
    await emulator.stop();
  };
}
