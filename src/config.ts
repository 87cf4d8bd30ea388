import { z } from "zod";
import { PORTICO_SCHEMA, schemaNameProblem } from "./db/schema-name.js";

/**
 * The whole environment, parsed once at startup. No other module reads
 * `process.env`; the typed result is passed down instead.
 */

const port = z.coerce.number().int().min(0).max(65535);

const origin = z.string().transform((value, ctx) => {
  try {
    const url = new URL(value);
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error();
    return url.origin;
  } catch {
    ctx.addIssue({ code: "custom", message: `"${value}" is not an http(s) origin` });
    return z.NEVER;
  }
});

const csv = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? "")
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean),
  );

/** "20/60s", "5/15m", "100/1h": at most N requests per window. Projects' own limits too. */
export const rateLimit = z.string().transform((value, ctx) => {
  const match = /^(\d+)\s*\/\s*(\d+)\s*(s|m|h)$/.exec(value.trim());
  if (!match) {
    ctx.addIssue({ code: "custom", message: `"${value}" is not a rate like 20/60s` });
    return z.NEVER;
  }
  const unit = { s: 1, m: 60, h: 3600 }[match[3] as "s" | "m" | "h"];
  return { max: Number(match[1]), windowSeconds: Number(match[2]) * unit };
});

const secretKey = (prefix: string) =>
  z
    .string()
    .regex(new RegExp(`^(sk|rk)_${prefix}_[A-Za-z0-9]+$`), `must look like sk_${prefix}_…`)
    .optional();

/** Stripe signs with the whole `whsec_…` string; anything else is a paste error. */
const webhookSecret = z.string().regex(/^whsec_\S+$/, "must look like whsec_…");

/** `<key id>:<base64 of 32 bytes>`, e.g. `k1:…`: a master key for secrets at rest. */
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const KEY_FORMAT = `must be <key id>:<base64 of 32 bytes>, the id being letters, digits, _ or - (generate one with: node -e "console.log('k1:'+require('crypto').randomBytes(32).toString('base64'))")`;

/** Key material never appears in a message: a typo'd key would still be most of a key. */
const encryptionKeys = z.string().transform((value, ctx) => {
  const keys: EncryptionKey[] = [];
  for (const entry of value.split(",").map((part) => part.trim())) {
    const separator = entry.indexOf(":");
    const id = entry.slice(0, separator);
    const material = entry.slice(separator + 1);
    const key = Buffer.from(material, "base64");
    // Buffer.from skips characters that are not base64: re-encoding catches a paste error.
    const exact = key.toString("base64").replace(/=+$/, "") === material.replace(/=+$/, "");
    if (separator < 0 || !KEY_ID.test(id) || key.length !== 32 || !exact) {
      ctx.addIssue({ code: "custom", message: KEY_FORMAT });
      return z.NEVER;
    }
    if (keys.some((other) => other.id === id)) {
      ctx.addIssue({ code: "custom", message: `the key id "${id}" is used more than once` });
      return z.NEVER;
    }
    keys.push({ id, key });
  }
  return keys;
});

/**
 * The admin API's bearer token, hashed: only the SHA-256 is configured, so the environment
 * (a process listing, a leaked .env) never holds the token itself. The message never quotes
 * the value: a token pasted here by mistake is still the token.
 */
const sha256Hex = z
  .string()
  .regex(
    /^[0-9a-fA-F]{64}$/,
    'must be the hex SHA-256 of the admin token (64 hex digits), e.g. from: printf %s "$TOKEN" | sha256sum',
  )
  .transform((value) => Buffer.from(value, "hex"));

const flag = z
  .enum(["true", "false", "1", "0"])
  .optional()
  .transform((value) => (value === undefined ? undefined : value === "true" || value === "1"));

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: port.default(3000),
  TRUST_PROXY: flag.transform((value) => value ?? false),
  APP_URL: origin.optional(),
  RETURN_URL_ORIGINS: csv.pipe(z.array(origin)),
  CORS_ORIGINS: csv.pipe(z.array(origin)).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  PORTICO_DATA_DIR: z.string().min(1).default(".portico"),
  PORTICO_CONFIG: z.string().min(1).default("./portico.config.json"),
  PORTICO_DB_SCHEMA: z
    .string()
    .default(PORTICO_SCHEMA)
    .superRefine((value, ctx) => {
      const problem = schemaNameProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/, "must look like sk_test_… or sk_live_…")
    .optional(),
  STRIPE_TEST_SECRET_KEY: secretKey("test"),
  STRIPE_MODE: z.enum(["test", "live"]).optional(),
  STRIPE_LIVE_SECRET_KEY: secretKey("live"),
  STRIPE_API_BASE: origin.optional(),
  STRIPE_EMULATOR_PORT: port.default(12111),
  STRIPE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  STRIPE_MAX_NETWORK_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  STRIPE_MAX_CONCURRENT_CALLS: z.coerce.number().int().min(1).max(10_000).default(100),
  STRIPE_WEBHOOK_SECRET: webhookSecret.optional(),
  STRIPE_WEBHOOK_SECRETS: csv.pipe(z.array(webhookSecret)),
  STRIPE_LIVE_WEBHOOK_SECRETS: csv.pipe(z.array(webhookSecret)),
  SYNC_SOURCE: z.enum(["refetch", "payload"]).default("refetch"),
  SYNC_BACKFILL_RATE: z.coerce.number().int().min(1).max(1000).optional(),
  WEBHOOK_RETRY_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
  WEBHOOK_RETRY_BACKOFF_SECONDS: z.coerce.number().min(0).max(3600).default(10),
  WEBHOOK_RETRY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(20),
  OUTBOX_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(1_000),
  OUTBOX_DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  RETENTION_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(3_600_000),
  // Stripe redelivers an event for up to 3 days: a shorter retention could apply one twice.
  RETENTION_STRIPE_EVENTS_DAYS: z.coerce.number().int().min(4).max(3650).default(30),
  RETENTION_OUTBOX_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  RETENTION_AUDIT_DAYS: z.coerce.number().int().min(0).max(36_500).default(0),
  PORTAL_CONFIGURATIONS: csv,
  PORTAL_DEFAULT_CONFIGURATION: z.string().min(1).optional(),
  AUTH_SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 365)
    .default(24 * 30),
  AUTH_ALLOW_SIGNUP: flag.transform((value) => value ?? true),
  AUTH_JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  AUTH_JWKS_URL: z.url().optional(),
  AUTH_JWT_ISSUER: z.string().min(1).optional(),
  AUTH_JWT_AUDIENCE: z.string().min(1).optional(),
  RATE_LIMIT_PORTAL: rateLimit.default({ max: 20, windowSeconds: 60 }),
  RATE_LIMIT_SYNC: rateLimit.default({ max: 6, windowSeconds: 60 }),
  RATE_LIMIT_CHECKOUT: rateLimit.default({ max: 10, windowSeconds: 60 }),
  RATE_LIMIT_LOGIN: rateLimit.default({ max: 10, windowSeconds: 300 }),
  RATE_LIMIT_SIGNUP: rateLimit.default({ max: 10, windowSeconds: 3600 }),
  PORTICO_DEMO_EMAIL: z.email().default("demo@portico.dev"),
  PORTICO_DEMO_PASSWORD: z.string().min(8).default("portico-demo"),
  METRICS_ENABLED: flag.transform((value) => value ?? true),
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  PORTICO_ENCRYPTION_KEY: encryptionKeys
    .refine(
      (keys) => keys.length === 1,
      "give one key; older ones go in PORTICO_ENCRYPTION_PREVIOUS_KEYS",
    )
    .optional(),
  PORTICO_ENCRYPTION_PREVIOUS_KEYS: encryptionKeys.optional(),
  PORTICO_ADMIN_TOKEN_SHA256: sha256Hex.optional(),
});

export type StripeMode = "test" | "live";

export interface RateLimitRule {
  max: number;
  windowSeconds: number;
}

/** A master key of the secrets at rest, named by its id so that it can be rotated. */
export interface EncryptionKey {
  id: string;
  key: Buffer;
}

export interface Config {
  env: "development" | "production" | "test";
  logLevel: string;
  host: string;
  port: number;
  /** Take the client IP from X-Forwarded-For (only behind a proxy that sets it). */
  trustProxy: boolean;
  appUrl: string;
  /** Every origin a return/success/cancel URL may point at, APP_URL's first. */
  allowedOrigins: string[];
  /**
   * The browser origins that may call the API (CORS_ORIGINS); undefined: the return-URL
   * origins, as a browser app that is sent back from Stripe is the one that calls.
   */
  corsOrigins: string[] | undefined;
  databaseUrl: string | undefined;
  dataDir: string;
  /** `portico.config.json`: plans, prices and portal configurations. Absent file: no catalog. */
  billingConfigPath: string;
  stripe: {
    keys: Partial<Record<StripeMode, string>>;
    /**
     * The mode of the app's own routes (portal, checkout, subscription, invoices, sync):
     * STRIPE_MODE, else test when a test key is set, else live. The v1 route picks per request.
     */
    appMode: StripeMode;
    apiBase: string | undefined;
    emulatorPort: number;
    timeoutMs: number;
    maxNetworkRetries: number;
    /** Stripe calls one instance has in flight at most; beyond it a request gets a 503. */
    maxConcurrentCalls: number;
    /** Endpoint signing secrets per mode; several while a secret is being rotated. */
    webhookSecrets: Record<StripeMode, string[]>;
  };
  portal: {
    /** Configuration ids (`bpc_…`) or names a client may ask for. Empty: only the default. */
    allowedConfigurations: string[];
    defaultConfiguration: string | undefined;
  };
  auth: {
    sessionTtlSeconds: number;
    allowSignup: boolean;
    jwt:
      | { kind: "secret"; secret: string; issuer?: string; audience?: string }
      | { kind: "jwks"; jwksUrl: string; issuer?: string; audience?: string }
      | undefined;
  };
  /**
   * `refetch`: a webhook only says which object changed and Portico reads it from Stripe;
   * `payload`: the event's snapshot is trusted (fewer API calls, same-second ties still refetch).
   */
  sync: {
    source: "refetch" | "payload";
    /**
     * The background retry of failed events: a pass every `intervalMs` (0: off); an event is
     * due `backoffSeconds × 2^(attempts-1)` after its last attempt (at most an hour), and
     * left for `portico events replay` after `maxAttempts`.
     */
    retry: { intervalMs: number; backoffSeconds: number; maxAttempts: number };
    /** `portico sync`'s Stripe requests per second; unset: 25 in test mode, 100 in live. */
    backfillRate: number | undefined;
  };
  /**
   * Outgoing webhooks: the outbox's worker polls every `intervalMs` (0: this instance neither
   * dispatches billing changes nor delivers; another instance, or a later start, does), and
   * gives an endpoint `deliveryTimeoutMs` to answer.
   */
  outbox: { intervalMs: number; deliveryTimeoutMs: number };
  /**
   * What is deleted once done with, a pass every `intervalMs` (0: this instance never
   * prunes): Stripe events applied or ignored after `stripeEventsDays`, outgoing events with
   * nothing pending after `outboxDays`, portal-session and audit rows after `auditDays` (0:
   * never), and sessions, sign-in links and rate-limit counters once long expired.
   */
  retention: {
    intervalMs: number;
    stripeEventsDays: number;
    outboxDays: number;
    auditDays: number;
    /** The longest rate-limit window configured. */
    rateLimitWindowSeconds: number;
  };
  rateLimits: {
    portal: RateLimitRule;
    login: RateLimitRule;
    signup: RateLimitRule;
    sync: RateLimitRule;
    checkout: RateLimitRule;
  };
  demo: { email: string; password: string };
  /** `GET /metrics`; with a token it requires `Authorization: Bearer <token>`. */
  metrics: { enabled: boolean; token: string | undefined };
  /** How long in-flight requests may finish after SIGTERM before their sockets are closed. */
  shutdownGraceMs: number;
  /**
   * Projects' secrets at rest: `current` seals, every key opens. Unset: no project secret can
   * be stored or read.
   */
  encryption: { current: EncryptionKey; previous: EncryptionKey[] } | undefined;
  /**
   * `/api/admin/*`: the SHA-256 of its bearer token (PORTICO_ADMIN_TOKEN_SHA256). Unset: the
   * admin API is not mounted and answers 404 like any unknown route. `/api/admin/projects`
   * also needs PORTICO_ENCRYPTION_KEY (projects are hosted only with it).
   */
  admin: { tokenSha256: Buffer | undefined };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** The secret key of each mode: STRIPE_SECRET_KEY's mode is in its prefix. */
function stripeKeys(env: {
  STRIPE_SECRET_KEY?: string | undefined;
  STRIPE_TEST_SECRET_KEY?: string | undefined;
  STRIPE_LIVE_SECRET_KEY?: string | undefined;
}): Partial<Record<StripeMode, string>> {
  const keys: Partial<Record<StripeMode, string>> = {};
  if (env.STRIPE_SECRET_KEY) {
    keys[env.STRIPE_SECRET_KEY.includes("_live_") ? "live" : "test"] = env.STRIPE_SECRET_KEY;
  }
  if (env.STRIPE_TEST_SECRET_KEY) keys.test = env.STRIPE_TEST_SECRET_KEY;
  if (env.STRIPE_LIVE_SECRET_KEY) keys.live = env.STRIPE_LIVE_SECRET_KEY;
  return keys;
}

/** Rules between variables, checked even when single values are wrong so every problem shows at once. */
function crossFieldProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (env.STRIPE_SECRET_KEY && (env.STRIPE_TEST_SECRET_KEY || env.STRIPE_LIVE_SECRET_KEY)) {
    problems.push(
      "STRIPE_SECRET_KEY: set either STRIPE_SECRET_KEY or STRIPE_TEST_SECRET_KEY/STRIPE_LIVE_SECRET_KEY, not both",
    );
  }
  if (
    env.STRIPE_WEBHOOK_SECRET &&
    (env.STRIPE_WEBHOOK_SECRETS || env.STRIPE_LIVE_WEBHOOK_SECRETS)
  ) {
    problems.push(
      "STRIPE_WEBHOOK_SECRET: set either STRIPE_WEBHOOK_SECRET or STRIPE_WEBHOOK_SECRETS/STRIPE_LIVE_WEBHOOK_SECRETS, not both",
    );
  }
  const mode = env.STRIPE_MODE;
  const keys = stripeKeys(env);
  if ((mode === "test" || mode === "live") && (keys.test || keys.live) && !keys[mode]) {
    problems.push(
      `STRIPE_MODE: ${mode} mode has no key; set STRIPE_${mode.toUpperCase()}_SECRET_KEY`,
    );
  }
  if (env.AUTH_JWT_SECRET && env.AUTH_JWKS_URL) {
    problems.push("AUTH_JWT_SECRET: set either AUTH_JWT_SECRET or AUTH_JWKS_URL, not both");
  }
  if (env.AUTH_JWKS_URL && (!env.AUTH_JWT_ISSUER || !env.AUTH_JWT_AUDIENCE)) {
    problems.push("AUTH_JWKS_URL: AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE are required with JWKS");
  }
  if (env.PORTICO_ENCRYPTION_PREVIOUS_KEYS && !env.PORTICO_ENCRYPTION_KEY) {
    problems.push(
      "PORTICO_ENCRYPTION_PREVIOUS_KEYS: set PORTICO_ENCRYPTION_KEY too; previous keys only open secrets",
    );
  }
  // One id, two keys: secrets sealed under either would be unreadable with the other.
  const current = env.PORTICO_ENCRYPTION_KEY?.trim();
  const currentId = current?.split(":")[0];
  // Only a well-formed id is named: without its colon, the "id" would be the key itself.
  for (const entry of (env.PORTICO_ENCRYPTION_PREVIOUS_KEYS ?? "").split(",")) {
    const sameId = currentId !== undefined && KEY_ID.test(currentId);
    if (sameId && entry.trim().split(":")[0] === currentId && entry.trim() !== current) {
      problems.push(
        `PORTICO_ENCRYPTION_PREVIOUS_KEYS: the key id "${currentId}" is the current key's, with other key material`,
      );
    }
  }
  return problems;
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  // Empty strings mean "unset", as in most .env tooling.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = EnvSchema.safeParse(present);
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => `${issue.path.join(".") || "env"}: ${issue.message}`)),
    ...crossFieldProblems(present),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;

  const keys = stripeKeys(e);
  const appMode: StripeMode = e.STRIPE_MODE ?? (keys.test || !keys.live ? "test" : "live");
  // The single secret belongs to the one mode that has a key (test when unsure).
  const singleSecretMode: StripeMode = keys.live && !keys.test ? "live" : "test";
  const webhookSecrets: Record<StripeMode, string[]> = {
    test: e.STRIPE_WEBHOOK_SECRETS,
    live: e.STRIPE_LIVE_WEBHOOK_SECRETS,
  };
  if (e.STRIPE_WEBHOOK_SECRET) webhookSecrets[singleSecretMode] = [e.STRIPE_WEBHOOK_SECRET];
  const allowed = e.PORTAL_CONFIGURATIONS;
  if (e.PORTAL_DEFAULT_CONFIGURATION && !allowed.includes(e.PORTAL_DEFAULT_CONFIGURATION)) {
    allowed.unshift(e.PORTAL_DEFAULT_CONFIGURATION);
  }
  const appUrl = e.APP_URL ?? `http://localhost:${e.PORT}`;
  const jwtClaims = {
    ...(e.AUTH_JWT_ISSUER ? { issuer: e.AUTH_JWT_ISSUER } : {}),
    ...(e.AUTH_JWT_AUDIENCE ? { audience: e.AUTH_JWT_AUDIENCE } : {}),
  };
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    host: e.HOST,
    port: e.PORT,
    trustProxy: e.TRUST_PROXY,
    appUrl,
    allowedOrigins: [...new Set([new URL(appUrl).origin, ...e.RETURN_URL_ORIGINS])],
    corsOrigins: e.CORS_ORIGINS,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.PORTICO_DATA_DIR,
    billingConfigPath: e.PORTICO_CONFIG,
    stripe: {
      keys,
      appMode,
      apiBase: e.STRIPE_API_BASE,
      emulatorPort: e.STRIPE_EMULATOR_PORT,
      timeoutMs: e.STRIPE_TIMEOUT_MS,
      maxNetworkRetries: e.STRIPE_MAX_NETWORK_RETRIES,
      maxConcurrentCalls: e.STRIPE_MAX_CONCURRENT_CALLS,
      webhookSecrets,
    },
    portal: {
      allowedConfigurations: allowed,
      defaultConfiguration: e.PORTAL_DEFAULT_CONFIGURATION ?? allowed[0],
    },
    auth: {
      sessionTtlSeconds: e.AUTH_SESSION_TTL_HOURS * 3600,
      allowSignup: e.AUTH_ALLOW_SIGNUP,
      jwt: e.AUTH_JWT_SECRET
        ? { kind: "secret", secret: e.AUTH_JWT_SECRET, ...jwtClaims }
        : e.AUTH_JWKS_URL
          ? { kind: "jwks", jwksUrl: e.AUTH_JWKS_URL, ...jwtClaims }
          : undefined,
    },
    sync: {
      source: e.SYNC_SOURCE,
      backfillRate: e.SYNC_BACKFILL_RATE,
      retry: {
        intervalMs: e.WEBHOOK_RETRY_INTERVAL_MS,
        backoffSeconds: e.WEBHOOK_RETRY_BACKOFF_SECONDS,
        maxAttempts: e.WEBHOOK_RETRY_MAX_ATTEMPTS,
      },
    },
    outbox: { intervalMs: e.OUTBOX_INTERVAL_MS, deliveryTimeoutMs: e.OUTBOX_DELIVERY_TIMEOUT_MS },
    retention: {
      intervalMs: e.RETENTION_INTERVAL_MS,
      stripeEventsDays: e.RETENTION_STRIPE_EVENTS_DAYS,
      outboxDays: e.RETENTION_OUTBOX_DAYS,
      auditDays: e.RETENTION_AUDIT_DAYS,
      rateLimitWindowSeconds: Math.max(
        ...[
          e.RATE_LIMIT_PORTAL,
          e.RATE_LIMIT_LOGIN,
          e.RATE_LIMIT_SIGNUP,
          e.RATE_LIMIT_SYNC,
          e.RATE_LIMIT_CHECKOUT,
        ].map((rule) => rule.windowSeconds),
      ),
    },
    rateLimits: {
      portal: e.RATE_LIMIT_PORTAL,
      login: e.RATE_LIMIT_LOGIN,
      signup: e.RATE_LIMIT_SIGNUP,
      sync: e.RATE_LIMIT_SYNC,
      checkout: e.RATE_LIMIT_CHECKOUT,
    },
    demo: { email: e.PORTICO_DEMO_EMAIL, password: e.PORTICO_DEMO_PASSWORD },
    metrics: { enabled: e.METRICS_ENABLED, token: e.METRICS_TOKEN },
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    encryption: encryptionFrom(e.PORTICO_ENCRYPTION_KEY, e.PORTICO_ENCRYPTION_PREVIOUS_KEYS ?? []),
    admin: { tokenSha256: e.PORTICO_ADMIN_TOKEN_SHA256 },
  };
}

function encryptionFrom(
  current: EncryptionKey[] | undefined,
  previous: EncryptionKey[],
): Config["encryption"] {
  const [key] = current ?? [];
  if (!key) return undefined;
  // The current key listed again as a previous one changes nothing; keep it once.
  return { current: key, previous: previous.filter((old) => old.id !== key.id) };
}
