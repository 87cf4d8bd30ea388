import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { ensureWebBuild } from "../src/cli/web-build.js";
import { buildCompiledCli } from "./cli-process.js";
import { startEmulatorProcess } from "./emulator-process.js";
import { writePgliteTemplates } from "./pglite-template.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Origin of the Stripe emulator shared by the whole run; isolate with `newStripeKeys()`. */
    emulatorUrl: string;
    /** A migrated PGlite's data directory, dumped; see `openPgliteFromTemplate()`. */
    pgliteTemplate: string;
    /** The same before any migration; see `createEmptyPglite()`. */
    pgliteEmptyTemplate: string;
  }
}

/** One emulator process for the whole run; test files isolate themselves by API key. */
export default async function setup(project: TestProject) {
  // The serving tests read the real build; a fresh clone has none (about 2 s to make).
  await ensureWebBuild();
  // The CLI tests spawn the compiled bin; build it once here rather than in one of them.
  buildCompiledCli();
  const scratch = await mkdtemp(join(tmpdir(), "portico-test-"));
  const templates = {
    empty: join(scratch, "pglite-empty.tar"),
    migrated: join(scratch, "pglite-migrated.tar"),
  };
  const [emulator] = await Promise.all([
    startEmulatorProcess({ compiled: true }),
    writePgliteTemplates(templates),
  ]);
  project.provide("emulatorUrl", emulator.url);
  project.provide("pgliteTemplate", templates.migrated);
  project.provide("pgliteEmptyTemplate", templates.empty);
  return async () => {
    await emulator.stop();
    await rm(scratch, { recursive: true, force: true });
  };
}
