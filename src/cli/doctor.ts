import { readFileSync } from "node:fs";
import type { Command } from "commander";
import {
  BillingConfigError,
  readBillingConfigFile,
  withBillingConfig,
} from "../billing/billing-config.js";
import type { BillingConfig } from "../billing/billing-config-schema.js";
import type { DoctorCheck, DoctorDatabase, DoctorStatus } from "../billing/doctor/checks.js";
import { runDoctorChecks } from "../billing/doctor/run-doctor.js";
import { HANDLED_EVENT_TYPES } from "../billing/sync/handlers.js";
import type { Config } from "../config.js";
import { databaseOptions, openDatabase } from "../db/client.js";
import { embeddedDatabaseExists } from "../db/embedded-postgres.js";
import { createStripeClients } from "../stripe/client.js";
import { createStripeDiagnostics } from "../stripe/diagnostics.js";
import { createStripeGateway } from "../stripe/gateway.js";
import { type DoctorSubject, prepareProjectDoctor } from "./doctor-project.js";
import { embeddedWebhookSecretFile } from "./embedded-webhook-secret.js";
import { type LoadedConfig, loadConfigOrProblems } from "./load-config.js";
import { describeBilling } from "./projects-output.js";
import { readQuickStartRecord, useRecordedEmulator } from "./quick-start-record.js";

/** `portico doctor`: a checklist of what a deployment needs, with the fix for each failure. */

export interface DoctorOptions {
  json?: boolean | undefined;
  /** A project's setup instead of the environment's. */
  project?: string | undefined;
}

export function registerDoctorCommand(program: Command): void {
  program
    .command("doctor")
    .description(
      "Check configuration, database, Stripe keys, portal, prices, webhooks and APP_URL; exit 1 if something must be fixed",
    )
    .option("--json", "machine-readable output")
    .option(
      "--project <id>",
      "check a project's setup: its keys, webhook URLs and secrets, portal, prices, return origins",
    )
    .action(async (options: DoctorOptions) => {
      process.exitCode = await runDoctor(loadConfigOrProblems(), options, {
        out: (text) => process.stdout.write(text),
        err: (text) => process.stderr.write(text),
        color: Boolean(process.stdout.isTTY && process.stdout.hasColors?.()),
      });
    });
}

export async function runDoctor(
  loaded: LoadedConfig,
  options: DoctorOptions,
  io: { out(text: string): void; err?(text: string): void; color: boolean },
  overrides: { fetch?: typeof fetch } = {},
): Promise<number> {
  const checks = await collectChecks(loaded, options, overrides, (text) => io.err?.(text));
  const failed = checks.filter((check) => check.status === "fail").length;
  io.out(
    options.json
      ? `${JSON.stringify({ ok: failed === 0, checks }, null, 2)}\n`
      : renderChecks(checks, io.color),
  );
  return failed > 0 ? 1 : 0;
}

async function collectChecks(
  loaded: LoadedConfig,
  options: DoctorOptions,
  overrides: { fetch?: typeof fetch },
  note: (text: string) => void,
): Promise<DoctorCheck[]> {
  if ("problems" in loaded) {
    return [
      {
        name: "configuration",
        status: "fail",
        message: loaded.problems.join("; "),
        fix: "correct the variables listed (each is described in .env.example)",
      },
    ];
  }
  const parsed: DoctorCheck = {
    name: "configuration",
    status: "pass",
    message: "the environment parses",
  };
  const subject = options.project
    ? await prepareProjectDoctor(loaded.config, options.project)
    : await prepareServerDoctor(loaded.config, note);
  if ("failed" in subject) return [parsed, subject.failed];
  const { config, billing } = subject;
  const database = await reachDatabase(config);
  try {
    const clients = createStripeClients(config.stripe);
    const checks = await runDoctorChecks({
      config,
      billing,
      database: database.handle,
      stripe: createStripeGateway(clients),
      diagnostics: createStripeDiagnostics(clients),
      webhookEvents: HANDLED_EVENT_TYPES,
      webhookUrl: subject.webhookUrl,
      target: subject.target,
      ...overrides,
    });
    return [parsed, ...subject.checks, ...checks];
  } finally {
    await database.close();
  }
}

async function prepareServerDoctor(
  loaded: Config,
  note: (text: string) => void,
): Promise<DoctorSubject> {
  // As the server runs: the quick start's emulator, with the secret its webhooks are signed with.
  const configured = useRecordedEmulator(loaded, note, {
    webhookSecret: readEmbeddedWebhookSecret(loaded.dataDir),
  });
  const billing = await readBillingFile(configured);
  const config = withBillingConfig(configured, billing.file);
  return {
    config,
    billing: billing.file,
    checks: [billing.check],
    // The quick start's emulator delivers to the server itself, not to APP_URL.
    webhookUrl: configured === loaded ? undefined : recordedWebhookUrl(config.dataDir),
  };
}

async function readBillingFile(
  config: Config,
): Promise<{ file: BillingConfig | undefined; check: DoctorCheck }> {
  const path = config.billingConfigPath;
  try {
    const file = await readBillingConfigFile(path);
    if (!file)
      return {
        file,
        check: {
          name: "billing_config",
          status: "skip",
          message: `no ${path}: no plans or managed portal`,
        },
      };
    return {
      file,
      check: {
        name: "billing_config",
        status: "pass",
        message: `${path}: ${describeBilling(file)}`,
      },
    };
  } catch (error) {
    const message =
      error instanceof BillingConfigError ? error.problems.join("; ") : (error as Error).message;
    return {
      file: undefined,
      check: {
        name: "billing_config",
        status: "fail",
        message: `${path}: ${message}`,
        fix: "correct the file; its JSON Schema (portico.config.schema.json) shows every field",
      },
    };
  }
}

/** Opens the database for the checks; an embedded one only once something created it. */
async function reachDatabase(
  config: Config,
): Promise<{ handle: DoctorDatabase; close(): Promise<void> }> {
  const none = async () => {};
  const options = databaseOptions(config);
  if (!options.url && options.dataDir?.startsWith("memory://")) {
    const handle = {
      kind: "unavailable",
      status: "skip",
      message: "no data directory: nothing to check",
    } as const;
    return { handle, close: none };
  }
  if (!options.url && !embeddedDatabaseExists(config.dataDir)) {
    return {
      handle: {
        kind: "unavailable",
        status: "fail",
        message: `no embedded database in ${config.dataDir} yet`,
        fix: "run `portico migrate` (or `portico start`) to create it, or set DATABASE_URL",
      },
      close: none,
    };
  }
  const database = await openDatabase(options);
  return { handle: { kind: "direct", db: database.db }, close: () => database.close() };
}

/** The embedded emulator's signing secret, if `npm start` made one; never creates it. */
function readEmbeddedWebhookSecret(dataDir: string): string | undefined {
  try {
    const secret = readFileSync(embeddedWebhookSecretFile(dataDir), "utf8").trim();
    return /^whsec_\S+$/.test(secret) ? secret : undefined;
  } catch {
    return undefined;
  }
}

const SYMBOLS: Record<DoctorStatus, { mark: string; color: number }> = {
  pass: { mark: "✓", color: 32 },
  fail: { mark: "✗", color: 31 },
  warn: { mark: "!", color: 33 },
  skip: { mark: "-", color: 90 },
};

export function renderChecks(checks: DoctorCheck[], color: boolean): string {
  const paint = (code: number, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const width = Math.max(...checks.map((check) => check.name.length));
  const lines = ["Portico doctor", ""];
  for (const check of checks) {
    const { mark, color: code } = SYMBOLS[check.status];
    // The checklist's finer state says which kind of failure: missing, a problem, or offline.
    const state = check.state && check.state !== "ok" ? `${check.state}: ` : "";
    lines.push(`  ${paint(code, mark)} ${check.name.padEnd(width)}  ${state}${check.message}`);
    if (check.fix && check.status !== "pass")
      lines.push(`      ${paint(code, "fix:")} ${check.fix.replaceAll("\n", "\n      ")}`);
  }
  const failed = checks.filter((check) => check.status === "fail").length;
  const warned = checks.filter((check) => check.status === "warn").length;
  lines.push(
    "",
    failed === 0
      ? `All good${warned > 0 ? `, ${warned} warning${warned === 1 ? "" : "s"}` : ""}.`
      : `${failed} problem${failed === 1 ? "" : "s"} to fix.`,
    "",
  );
  return lines.join("\n");
}

function recordedWebhookUrl(dataDir: string): string | undefined {
  const serverUrl = readQuickStartRecord(dataDir)?.serverUrl;
  return serverUrl && new URL("/api/webhooks/stripe", serverUrl).href;
}
