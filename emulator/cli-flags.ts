import { parseArgs } from "node:util";
import { type FaultRuleInput, parseFaultSpec } from "./faults/fault-rules.js";
import type { StartEmulatorOptions } from "./server.js";
import { type DeliverySettings, isDeliveryMode } from "./webhooks/delivery-settings.js";

/**
 * Flags for webhooks, faults and persistence. Parsed leniently so flags read elsewhere in
 * main.ts (`--port`, `--portal-session-ttl`) pass through untouched.
 */
const FLAGS = {
  "state-file": { type: "string" },
  "delivery-mode": { type: "string" },
  "webhook-retry-base-ms": { type: "string" },
  "webhook-max-attempts": { type: "string" },
  "webhook-timeout-ms": { type: "string" },
  "webhook-url": { type: "string" },
  "webhook-secret": { type: "string" },
  "webhook-account": { type: "string" },
  fault: { type: "string", multiple: true },
} as const;

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

export function readEmulatorFlags(argv: readonly string[]): Partial<StartEmulatorOptions> {
  const { values } = parseArgs({
    args: [...argv],
    options: FLAGS,
    strict: false,
    allowPositionals: true,
  });
  const options: Partial<StartEmulatorOptions> = { webhooks: readWebhookSettings(values) };
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
  const stateFile = text(values["state-file"]);
  if (stateFile) options.stateFile = stateFile;
  const faults: FaultRuleInput[] = (Array.isArray(values.fault) ? values.fault : [])
    .filter((spec): spec is string => typeof spec === "string")
    .map(parseFaultSpec);
  if (faults.length > 0) options.faults = faults;
  const url = text(values["webhook-url"]);
  const secret = text(values["webhook-secret"]);
  const apiKey = text(values["webhook-account"]);
  if (secret && !secret.startsWith("whsec_"))
    throw new Error("--webhook-secret must start with whsec_");
  if (!url && (secret || apiKey))
    throw new Error("--webhook-secret and --webhook-account need --webhook-url");
  if (url) {
    options.startupWebhook = { url, ...(secret ? { secret } : {}), ...(apiKey ? { apiKey } : {}) };
  }
  return options;
}
