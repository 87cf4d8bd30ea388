import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import type { z } from "zod";
import { newStripeKeys } from "../../test/emulator-process.js";
import { emulatorSdk } from "../../test/portico.js";
import type { BillingConfigSchema } from "../billing/billing-config-schema.js";
import { type Config, loadConfig } from "../config.js";
import type { CommandIo, StripeCommandOptions } from "./stripe.js";
import { runStripeApply, runStripePlan } from "./stripe.js";

/** Runs `portico stripe plan|apply` in-process on a fresh emulator account. */

export const EXAMPLE_FILE = new URL("../../portico.config.json", import.meta.url);

export type BillingConfigInput = z.input<typeof BillingConfigSchema>;

export async function readExampleConfig(): Promise<BillingConfigInput> {
  return JSON.parse(await readFile(EXAMPLE_FILE, "utf8")) as BillingConfigInput;
}

/** The example with one plan changed. */
export function changePlan(
  config: BillingConfigInput,
  key: string,
  change: (plan: NonNullable<BillingConfigInput["plans"]>[number]) => void,
): BillingConfigInput {
  const copy = structuredClone(config);
  const plan = copy.plans?.find((candidate) => candidate.key === key);
  if (!plan) throw new Error(`no plan ${key}`);
  change(plan);
  return copy;
}

export async function createStripeCli() {
  const emulatorUrl = inject("emulatorUrl");
  const keys = newStripeKeys();
  const dir = await mkdtemp(join(tmpdir(), "portico-config-"));
  const file = join(dir, "portico.config.json");
  const config: Config = loadConfig({
    NODE_ENV: "test",
    STRIPE_TEST_SECRET_KEY: keys.test,
    STRIPE_API_BASE: emulatorUrl,
    STRIPE_MAX_NETWORK_RETRIES: "0",
    PORTICO_CONFIG: file,
  });

  function capture(interactive = false, answer = false) {
    const io = { out: "", err: "" };
    const commandIo: CommandIo = {
      out: (text) => {
        io.out += text;
      },
      err: (text) => {
        io.err += text;
      },
      interactive,
      color: false,
      confirm: async () => answer,
    };
    return { io, commandIo };
  }

  /** The command with another configuration, e.g. one whose Stripe cannot be reached. */
  async function runWith(
    withConfig: Config,
    command: "plan" | "apply",
    options: Partial<StripeCommandOptions> = {},
    terminal: { interactive?: boolean; answer?: boolean } = {},
  ) {
    const { io, commandIo } = capture(terminal.interactive, terminal.answer);
    const runner = command === "plan" ? runStripePlan : runStripeApply;
    const code = await runner({ mode: "test", ...options }, withConfig, commandIo);
    return { code, ...io };
  }

  const run = (
    command: "plan" | "apply",
    options: Partial<StripeCommandOptions> = {},
    terminal: { interactive?: boolean; answer?: boolean } = {},
  ) => runWith(config, command, options, terminal);

  /** Writes the shipped example and applies it; returns it for the test to change. */
  async function applyExample() {
    const example = await readExampleConfig();
    await writeFile(file, JSON.stringify(example, null, 2));
    const applied = await run("apply", { yes: true });
    if (applied.code !== 0) throw new Error(`apply failed: ${applied.err}`);
    return example;
  }

  return {
    applyExample,
    config,
    file,
    keys,
    emulatorUrl,
    stripe: emulatorSdk(keys.test, emulatorUrl),
    writeConfig: (body: unknown) => writeFile(file, JSON.stringify(body, null, 2)),
    run,
    runWith,
  };
}

/** Stripe ids differ on every run; goldens keep only their prefix. */
export function normalizeIds(text: string, file: string): string {
  return text
    .replaceAll(file, "portico.config.json")
    .replace(/\b(prod|price|bpc)_[A-Za-z0-9]+/g, "$1_…");
}
