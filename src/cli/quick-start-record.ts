import { readFileSync } from "node:fs";
import { chmod, mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { Config } from "../config.js";

/**
 * What `portico start` tells the CLI run beside it, in the data directory: its own URL and
 * the embedded emulator's URL and key. The CLI then works in the quick-start folder with no
 * environment of its own. Mode 0600, as the data directory's other files.
 */

const RECORD_FILE = "quick-start.json";

const recordSchema = z.object({
  serverUrl: z.url(),
  /** Only when the server runs the embedded emulator: a key of that emulator, never a real one. */
  emulator: z.object({ url: z.url(), key: z.string().startsWith("sk_test_") }).optional(),
});

export type QuickStartRecord = z.infer<typeof recordSchema>;

export function quickStartRecordFile(dataDir: string): string {
  return join(dataDir, RECORD_FILE);
}

export async function writeQuickStartRecord(dataDir: string, record: QuickStartRecord) {
  await mkdir(dataDir, { recursive: true });
  const path = quickStartRecordFile(dataDir);
  await writeFile(path, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  // writeFile's mode applies only to a new file; an older record keeps whatever it had.
  await chmod(path, 0o600);
}

export async function removeQuickStartRecord(dataDir: string) {
  await rm(quickStartRecordFile(dataDir), { force: true });
}

/** The record, or undefined when there is none or it is not one (a stale or edited file). */
export function readQuickStartRecord(dataDir: string): QuickStartRecord | undefined {
  if (dataDir.startsWith("memory://")) return undefined;
  try {
    const parsed = recordSchema.safeParse(
      JSON.parse(readFileSync(quickStartRecordFile(dataDir), "utf8")),
    );
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * With no Stripe key and no API base configured, the emulator `npm start` recorded stands in
 * for Stripe, as it does for the server; `note` says so, since the command's results then
 * come from the emulator. A configured key always wins.
 */
export function useRecordedEmulator(
  config: Config,
  note: (text: string) => void,
  extra: { webhookSecret?: string | undefined } = {},
): Config {
  const emulator = recordedEmulatorFor(config, note);
  if (!emulator) return config;
  const secrets = config.stripe.webhookSecrets;
  const test = extra.webhookSecret ? [extra.webhookSecret, ...secrets.test] : secrets.test;
  return {
    ...config,
    stripe: {
      ...config.stripe,
      keys: { test: emulator.key },
      apiBase: emulator.url,
      webhookSecrets: { ...secrets, test },
    },
  };
}

/**
 * A project's commands beside `npm start`: the server runs its projects against the
 * quick start's emulator (their keys are accounts there), so the command does too. A
 * configured STRIPE_API_BASE or key means real Stripe, and wins.
 */
export function useRecordedEmulatorBase(config: Config, note: (text: string) => void): Config {
  const emulator = recordedEmulatorFor(config, note);
  return emulator ? { ...config, stripe: { ...config.stripe, apiBase: emulator.url } } : config;
}

/** The recorded emulator, unless a key or API base is configured; `note` says it is used. */
function recordedEmulatorFor(config: Config, note: (text: string) => void) {
  const { keys, apiBase } = config.stripe;
  if (keys.test || keys.live || apiBase) return undefined;
  const emulator = readQuickStartRecord(config.dataDir)?.emulator;
  if (emulator) {
    note(`Using the quick start's emulator at ${emulator.url} (recorded by \`npm start\`).\n`);
  }
  return emulator;
}

/** Where no test key was found: `npm start` provides one (its emulator has no live mode). */
export const quickStartHint = (mode: "test" | "live") =>
  mode === "test"
    ? "; or run `npm start` in this folder first: the CLI then uses the emulator it starts"
    : "";
