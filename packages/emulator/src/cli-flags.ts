import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { type FaultRuleInput, parseFaultSpec } from "./faults/fault-rules.js";
import type { StartEmulatorOptions } from "./server.js";
import { type DeliverySettings, isDeliveryMode } from "./webhooks/delivery-settings.js";

/** Every flag the emulator takes; any other is refused, so a typo never starts it quietly. */
const FLAGS = {
  help: { type: "boolean", short: "h" },
  port: { type: "string" },
  "portal-session-ttl": { type: "string" },
  "stop-with-stdin": { type: "boolean" },
  "state-file": { type: "string" },
  "delivery-mode": { type: "string" },
  "webhook-retry-base-ms": { type: "string" },
  "webhook-max-attempts": { type: "string" },
  "webhook-timeout-ms": { type: "string" },
  "webhook-url": { type: "string" },
  "webhook-secret": { type: "string" },
  "webhook-secret-file": { type: "string" },
  "webhook-account": { type: "string" },
  fault: { type: "string", multiple: true },
} as const;

export const USAGE = `Usage: stripe-emulator [flags]

A stateful Stripe API emulator: point any Stripe SDK at http://127.0.0.1:<port>.

  --port <n>                      listen port (else STRIPE_EMULATOR_PORT, else 12111; 0 picks one)
  --state-file <path>             load the store at start, save it after changes and on stop
  --portal-session-ttl <seconds>  portal session lifetime (default 300)
  --stop-with-stdin               stop when stdin ends (for a supervisor holding a pipe)
  --webhook-url <url>             an endpoint for * on every account
  --webhook-account <key>         ... only on that key's account and mode
  --webhook-secret-file <path>    the endpoint's secret (or --webhook-secret <whsec_...>,
                                  or STRIPE_EMULATOR_WEBHOOK_SECRET); else one is printed
  --delivery-mode <mode>          ordered, shuffled, duplicated or shuffled+duplicated
  --webhook-retry-base-ms <n>     default retry schedule: base delay (1000),
  --webhook-max-attempts <n>      attempts (6)
  --webhook-timeout-ms <n>        and each attempt's timeout (5000)
  --fault "<kind> [<METHOD> <path> | *] [rate=..] [ms=..] [times=..]"
                                  a fault for every account; repeatable
  -h, --help                      print this and exit
`;

/** What the command line asks for: help, or an emulator to start. */
export type EmulatorCommand =
  | { help: true }
  | { help: false; options: StartEmulatorOptions; stopWithStdin: boolean };

/** A command line the emulator cannot run: printed without a stack, with a pointer to help. */
export class UsageError extends Error {}

function readInteger(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`Invalid --${name}: ${raw}`);
  return value;
}

function readWebhookSettings(values: Record<string, unknown>): Partial<DeliverySettings> {
  const settings: Partial<DeliverySettings> = {};
  const mode = values["delivery-mode"];
  if (typeof mode === "string") {
    if (!isDeliveryMode(mode)) throw new Error(`Invalid --delivery-mode: ${mode}`);
    settings.mode = mode;
  }
  const str = (name: string) => {
    const value = values[name];
    return typeof value === "string" ? value : undefined;
  };
  const retryBaseMs = readInteger("webhook-retry-base-ms", str("webhook-retry-base-ms"), 0);
  const maxAttempts = readInteger("webhook-max-attempts", str("webhook-max-attempts"), 1);
  const timeoutMs = readInteger("webhook-timeout-ms", str("webhook-timeout-ms"), 1);
  if (retryBaseMs !== undefined) settings.retryBaseMs = retryBaseMs;
  if (maxAttempts !== undefined) settings.maxAttempts = maxAttempts;
  if (timeoutMs !== undefined) settings.timeoutMs = timeoutMs;
  return settings;
}

/**
 * The startup endpoint's secret: `--webhook-secret-file` or `--webhook-secret`, else
 * `STRIPE_EMULATOR_WEBHOOK_SECRET`. Prefer the file or the environment: any user of the
 * machine can read a command line in `ps`.
 */
function readWebhookSecret(
  values: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): { secret: string; source: string } | undefined {
  const file = text(values["webhook-secret-file"]);
  const flag = text(values["webhook-secret"]);
  if (file && flag) throw new Error("Use --webhook-secret-file or --webhook-secret, not both");
  if (file) {
    try {
      return { secret: readFileSync(file, "utf8").trim(), source: "--webhook-secret-file" };
    } catch (error) {
      throw new Error(`Cannot read --webhook-secret-file ${file}: ${(error as Error).message}`);
    }
  }
  if (flag) return { secret: flag, source: "--webhook-secret" };
  const fromEnv = text(env.STRIPE_EMULATOR_WEBHOOK_SECRET);
  return fromEnv ? { secret: fromEnv, source: "STRIPE_EMULATOR_WEBHOOK_SECRET" } : undefined;
}

const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);

export function readEmulatorCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): EmulatorCommand {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: FLAGS, strict: true }));
  } catch (error) {
    throw new UsageError((error as Error).message.split(". ")[0] ?? "Bad flags");
  }
  if (values.help) return { help: true };
  try {
    return {
      help: false,
      options: readStartOptions(values, env),
      stopWithStdin: values["stop-with-stdin"] === true,
    };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function readStartOptions(
  values: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): StartEmulatorOptions {
  const options: StartEmulatorOptions = {
    port: readPort(text(values.port) ?? text(env.STRIPE_EMULATOR_PORT) ?? "12111"),
    webhooks: readWebhookSettings(values),
  };
  const ttl = readInteger("portal-session-ttl", text(values["portal-session-ttl"]), 1);
  if (ttl !== undefined) options.portalSessionTtlSeconds = ttl;
  const stateFile = text(values["state-file"]);
  if (stateFile) options.stateFile = stateFile;
  const faults: FaultRuleInput[] = (Array.isArray(values.fault) ? values.fault : [])
    .filter((spec): spec is string => typeof spec === "string")
    .map(parseFaultSpec);
  if (faults.length > 0) options.faults = faults;
  const url = text(values["webhook-url"]);
  const apiKey = text(values["webhook-account"]);
  const flaggedSecret = text(values["webhook-secret"]) ?? text(values["webhook-secret-file"]);
  if (!url && (flaggedSecret || apiKey))
    throw new Error(
      "--webhook-secret, --webhook-secret-file and --webhook-account need --webhook-url",
    );
  if (!url) return options;
  const given = readWebhookSecret(values, env);
  if (given && !given.secret.startsWith("whsec_"))
    throw new Error(`${given.source} must start with whsec_`);
  const secret = given?.secret;
  options.startupWebhook = { url, ...(secret ? { secret } : {}), ...(apiKey ? { apiKey } : {}) };
  return options;
}

function readPort(raw: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`Invalid port: ${raw}`);
  return port;
}
