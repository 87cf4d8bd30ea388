import type { TestProject } from "vitest/node";
import { startEmulatorProcess } from "./emulator-process.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Origin of the Stripe emulator shared by the whole run; isolate with `newStripeKeys()`. */
    emulatorUrl: string;
  }
}

/** One emulator process for the whole run; test files isolate themselves by API key. */
export default async function setup(project: TestProject) {
  const emulator = await startEmulatorProcess();
  project.provide("emulatorUrl", emulator.url);
  return async () => {
    await emulator.stop();
  };
}
