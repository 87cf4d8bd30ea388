import { generateId } from "../ids.js";

/**
 * Injected failures for `/v1/*` requests, so clients can be tested against the ways
 * Stripe fails in production: throttling, 500s, dropped connections and slow answers.
 */

export const FAULT_KINDS = [
  "rate_limit",
  "api_error",
  "connection_reset",
  "timeout",
  "latency",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export type FaultHit = {
  at: string;
  method: string;
  path: string;
  idempotency_key: string | null;
};

export type FaultRule = {
  id: string;
  kind: FaultKind;
  /** An HTTP method, or `*` for any. */
  method: string;
  /** A request path where `*` matches any run of characters, e.g. `/v1/customers/*`. */
  path: string;
  /** Probability (0–1) that a matching request is hit. */
  rate: number;
  /** Added delay for `latency`; how long `timeout` holds the request before dropping it. */
  ms: number;
  /** Hits left before the rule stops applying; null for unlimited. */
  remaining: number | null;
  /** `account:test|live` the rule is limited to, or null for every account. */
  account: string | null;
  hits: number;
  /** The latest hits, newest last, so tests can check what the client resent. */
  recent: FaultHit[];
};

export type FaultRuleInput = Partial<Omit<FaultRule, "id" | "hits" | "recent">> & {
  kind: FaultKind;
};

const MAX_RECENT_HITS = 50;
/** Long enough that any client has given up, short enough not to pin sockets forever. */
const DEFAULT_TIMEOUT_MS = 60_000;

export function isFaultKind(value: string): value is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(value);
}

export function createFaultRule(input: FaultRuleInput): FaultRule {
  return {
    id: generateId("fault"),
    kind: input.kind,
    method: (input.method ?? "*").toUpperCase(),
    path: input.path ?? "*",
    rate: input.rate ?? 1,
    ms: input.ms ?? (input.kind === "timeout" ? DEFAULT_TIMEOUT_MS : 0),
    remaining: input.remaining ?? null,
    account: input.account ?? null,
    hits: 0,
    recent: [],
  };
}

function matchesPath(pattern: string, path: string): boolean {
  if (pattern === "*") return true;
  const escaped = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`).test(path);
}

export function matchesRequest(
  rule: FaultRule,
  request: { method: string; path: string; account: string | null },
): boolean {
  return (
    (rule.remaining === null || rule.remaining > 0) &&
    (rule.account === null || rule.account === request.account) &&
    (rule.method === "*" || rule.method === request.method) &&
    matchesPath(rule.path, request.path)
  );
}

/** Rolls the rule's rate; a hit is counted and remembered. */
export function rollFault(rule: FaultRule, hit: FaultHit, random = Math.random): boolean {
  if (random() >= rule.rate) return false;
  rule.hits++;
  if (rule.remaining !== null) rule.remaining--;
  rule.recent.push(hit);
  if (rule.recent.length > MAX_RECENT_HITS) rule.recent.shift();
  return true;
}

/**
 * `--fault` syntax: `<kind> [<METHOD> <path> | *] [rate=<0-1>] [ms=<n>] [times=<n>]`, e.g.
 * `rate_limit POST /v1/billing_portal/sessions rate=0.5` or `latency * ms=200`.
 */
export function parseFaultSpec(spec: string): FaultRuleInput {
  const [kind = "", ...tokens] = spec.trim().split(/\s+/);
  if (!isFaultKind(kind)) {
    throw new Error(`Invalid --fault "${spec}": kind must be one of ${FAULT_KINDS.join(", ")}`);
  }
  const input: FaultRuleInput = { kind };
  const positional = tokens.filter((token) => !token.includes("="));
  if (positional.length === 2) [input.method, input.path] = positional;
  else if (positional.length === 1 && positional[0] === "*") input.path = "*";
  else if (positional.length > 0)
    throw new Error(`Invalid --fault "${spec}": expected METHOD PATH`);
  for (const token of tokens.filter((t) => t.includes("="))) {
    const [name, raw = ""] = token.split("=", 2);
    const value = Number(raw);
    if (!Number.isFinite(value))
      throw new Error(`Invalid --fault "${spec}": ${name} is not a number`);
    if (name === "rate" && value >= 0 && value <= 1) input.rate = value;
    else if (name === "ms" && value >= 0) input.ms = value;
    else if (name === "times" && Number.isInteger(value) && value > 0) input.remaining = value;
    else throw new Error(`Invalid --fault "${spec}": bad ${name}=${raw}`);
  }
  return input;
}
