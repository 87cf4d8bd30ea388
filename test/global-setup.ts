import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { ensureWebBuild } from "../src/cli/web-build.js";
import { startEmulatorProcess } from "./emulator-process.js";
import { writePgliteTemplate } from "./pglite-template.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Origin of the Stripe emulator shared by the whole run; isolate with `newStripeKeys()`. */
    emulatorUrl: string;
    /** A migrated PGlite's data directory, dumped; see `openPgliteFromTemplate()`. */
    pgliteTemplate: string;
  }
}

/** One emulator process for the whole run; test files isolate themselves by API key. */
export default async function setup(project: TestProject) {
  // The serving tests read the real build; a fresh clone has none (about 2 s to make).
  await ensureWebBuild();
  const scratch = await mkdtemp(join(tmpdir(), "portico-test-"));
  const template = join(scratch, "pglite-migrated.tar");
  const [emulator] = await Promise.all([startEmulatorProcess(), writePgliteTemplate(template)]);
  project.provide("emulatorUrl", emulator.url);
  project.provide("pgliteTemplate", template);
  return async () => {
    await emulator.stop();
    await rm(scratch, { recursive: true, force: true });
  };
}
