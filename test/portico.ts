import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Logger } from "pino";
import type Stripe from "stripe";
import { inject } from "vitest";
import type { Clock } from "../src/billing/outbox/change-dispatcher.js";
import { type Config, loadConfig } from "../src/config.js";
import { linkBillingCustomer } from "../src/db/billing-customers.js";
import { portalSessions } from "../src/db/schema.js";
import { userSubjectId } from "../src/db/subjects.js";
import { createLogger } from "../src/logger.js";
import { createPorticoService, type PorticoService } from "../src/server.js";
import { createTestDatabase, dropProjectDatabases } from "./database.js";
import { emulatorSdk, newStripeKeys, saveDefaultPortalConfiguration } from "./emulator-process.js";

export { emulatorSdk };

export const APP_URL = "http://localhost:3000";

export interface TestPortico {
  portico: PorticoService;
  config: Config;
  /** Its database's URL (a sibling's shares it). */
  database: string;
  /** Where the server listens, e.g. http://127.0.0.1:41234 */
  url: string;
  emulatorUrl: string;
  keys: { test: string; live: string };
  /** SDK clients on this suite's own emulator account. */
  stripe: { test: Stripe; live: Stripe };
  /** Stops the server (as a crash or a deploy would), keeping its database for a sibling. */
  stop(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real Portico server on a free port, on its own fresh database and its own emulator
 * account.
 */
export async function startTestPortico(
  options: {
    env?: Record<string, string>;
    /** Another instance to share the database and Stripe account with. */
    sibling?: TestPortico;
    /** Instead of a silent one, e.g. a logger writing into a captured destination. */
    logger?: (config: Config) => Logger;
    /** An emulator account prepared beforehand (e.g. with webhook endpoints). */
    keys?: { test: string; live: string };
    /** Host projects: a master key is set, and each project gets its own database. */
    projects?: boolean;
    /** The outbox's clock, e.g. `createTestClock()`. */
    clock?: Clock;
  } = {},
): Promise<TestPortico> {
  const emulatorUrl = inject("emulatorUrl");
  const keys = options.keys ?? options.sibling?.keys ?? newStripeKeys();
  const database = options.sibling
    ? { url: options.sibling.database, drop: async () => {} }
    : await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    PORT: "0",
    APP_URL,
    PORTICO_DATA_DIR: "memory://",
    STRIPE_TEST_SECRET_KEY: keys.test,
    STRIPE_LIVE_SECRET_KEY: keys.live,
    STRIPE_API_BASE: emulatorUrl,
    STRIPE_MAX_NETWORK_RETRIES: "0",
    // Suites opt in to a billing file; the repository's example must not leak into them.
    PORTICO_CONFIG: "test/no-billing-config.json",
    // Every suite signs its users up from 127.0.0.1; the signup limit has its own tests.
    RATE_LIMIT_SIGNUP: "100000/60s",
    DATABASE_URL: database.url,
    ...(options.projects
      ? {
          PORTICO_ENCRYPTION_KEY: options.sibling
            ? encryptionKeyEnv(options.sibling.config)
            : newEncryptionKey(),
        }
      : {}),
    ...options.env,
  });
  const logger = options.logger?.(config) ?? createLogger(config);
  const portico = await createPorticoService(config, logger, {
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const port = await portico.listen();
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= portico.close();
    return stopped;
  };
  return {
    portico,
    config,
    database: database.url,
    url: `http://127.0.0.1:${port}`,
    emulatorUrl,
    keys,
    stripe: {
      test: emulatorSdk(keys.test, emulatorUrl),
      live: emulatorSdk(keys.live, emulatorUrl),
    },
    stop,
    async close() {
      await stop();
      // The databases belong to the first instance: a sibling closing first leaves them to it.
      if (options.projects && !options.sibling) await dropProjectDatabases(database.url);
      await database.drop();
    },
  };
}

/** A master key for a suite: `<kid>:<32 random bytes, base64>`. */
export const newEncryptionKey = (id = "k1") => `${id}:${randomBytes(32).toString("base64")}`;

/** The sibling's master key, as the environment gives it. */
function encryptionKeyEnv(config: Config): string {
  const key = config.encryption?.current;
  if (!key) throw new Error("the sibling hosts no projects");
  return `${key.id}:${key.key.toString("base64")}`;
}

export const uniqueEmail = () => `user-${randomBytes(6).toString("hex")}@example.com`;

/** Signs up through the API and returns the bearer token and user. */
export async function signUp(
  t: TestPortico,
  email = uniqueEmail(),
  password = "correct horse battery",
) {
  const response = await fetch(`${t.url}/api/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 201)
    throw new Error(`signup failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as {
    data: { token: string; user: { id: string; email: string } };
  };
  return { ...body.data, email, password };
}

/** Gives a user a Stripe customer in the emulator and links it, as checkout will. */
export async function giveCustomer(t: TestPortico, userId: string, mode: "test" | "live" = "test") {
  const customer = await t.stripe[mode].customers.create({ metadata: { portico_user_id: userId } });
  await linkBillingCustomer(
    t.portico.database.db,
    userSubjectId(userId),
    mode === "live",
    customer.id,
  );
  return customer;
}

/** The portal-session audit rows of a user, once those written behind responses are in. */
export async function portalAudits(t: TestPortico, userId: string) {
  await t.portico.portal.flush();
  return t.portico.database.db
    .select()
    .from(portalSessions)
    .where(eq(portalSessions.userId, userId))
    .orderBy(portalSessions.createdAt);
}

/** A portal configuration saved as the account's Dashboard default. */
export async function saveDefaultPortal(
  t: TestPortico,
  mode: "test" | "live" = "test",
  name = "default",
  plans: { product: string; prices: string[] }[] = [],
) {
  const configuration = await t.stripe[mode].billingPortal.configurations.create({
    features: {
      invoice_history: { enabled: true },
      payment_method_update: { enabled: true },
      customer_update: { enabled: true, allowed_updates: ["email", "address"] },
      subscription_cancel: { enabled: true, mode: "at_period_end" },
      subscription_pause: { enabled: true },
      ...(plans.length > 0
        ? {
            subscription_update: {
              enabled: true,
              default_allowed_updates: ["price" as const],
              proration_behavior: "create_prorations" as const,
              products: plans,
            },
          }
        : {}),
    },
    metadata: { portico_key: name },
  });
  await saveDefaultPortalConfiguration(t.emulatorUrl, t.keys[mode], configuration.id);
  return configuration;
}

export function postJson(t: TestPortico, path: string, body: unknown, token?: string) {
  return fetch(`${t.url}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}
