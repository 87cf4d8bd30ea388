import type pg from "pg";
import type { Logger } from "pino";
import type { BillingConfigInput } from "../billing/billing-config-schema.js";
import type { StripeMode } from "../config.js";
import type { DatabaseOptions } from "../db/client.js";
import type { OnBillingChange } from "./host-changes.js";
import type { IdentifyHostUser } from "./host-identity.js";
import type { AuthorizeSubject, DescribeOrganization } from "./host-subjects.js";

/** Everything an embedded Portico takes; what is left out is read from the environment. */
export interface PorticoOptions {
  /** The host app's auth: who is signed in on this request, or null. The only identity taken. */
  identify: IdentifyHostUser;
  /**
   * Team billing: may this user act on this organization's billing? Called whenever a call
   * names an `organizationId` (the host's own id), with the action: `view` (subscription,
   * invoices, sync), `manage` (portal, seats) or `purchase` (checkout). Anything but `true`
   * answers 404, as for an organization that does not exist. Without it, only the user's
   * own billing is reachable.
   */
  authorize?: AuthorizeSubject;
  /**
   * The organization's name, billing email and member count, asked at checkout: the Stripe
   * customer is created with them, and a per-seat plan starts at `members` seats.
   */
  describeOrganization?: DescribeOrganization;
  /**
   * Called after a user's or organization's billing changed (plan, status, period, seats,
   * card), once the change is stored, with the host's id and the new subscription view.
   * Told from the process that applied the change (webhooks, a sync), after it answered;
   * one subject's changes one at a time, in order (across instances, `version` orders them);
   * a failure is logged, never retried. After a restart a subject's first change is told
   * even when nothing visible moved. Portico starts on its first request, or `ready()`.
   */
  onChange?: OnBillingChange;
  /** Where the handler is mounted in the host app; default `/api/billing`. */
  basePath?: string;
  /**
   * The host app's origin: return, success and cancel URLs must be on it (or on one of
   * `returnUrlOrigins`). Default APP_URL, else http://localhost:3000.
   */
  appUrl?: string;
  returnUrlOrigins?: string[];
  /**
   * A postgres:// connection string, the host's `pg.Pool` (borrowed, never ended), or a
   * directory for the embedded database (development). Default DATABASE_URL, else a PostgreSQL server Portico runs from npm-shipped binaries in
   * PORTICO_DATA_DIR (`.portico`; development). Portico's tables live in the `portico` schema.
   */
  database?: string | pg.Pool;
  /** Run pending migrations on first use; default false (`npx portico migrate`). */
  migrate?: boolean;
  /** Default STRIPE_SECRET_KEY (or the per-mode keys) and the webhook secrets from the env. */
  stripe?: {
    secretKey?: string;
    testSecretKey?: string;
    liveSecretKey?: string;
    /** Which mode the routes use when both keys are set. */
    mode?: StripeMode;
    /** The webhook endpoint's signing secret (`whsec_…`). */
    webhookSecret?: string;
    /** Several per mode, while a secret is rotated. */
    webhookSecrets?: Partial<Record<StripeMode, string[]>>;
    /** Another Stripe API origin: Portico's emulator, offline. */
    apiBase?: string;
  };
  /** `portico.config.json`'s contents, or its path; default PORTICO_CONFIG (`./portico.config.json`). */
  billing?: BillingConfigInput | string;
  /** Default: pino to stdout at LOG_LEVEL (info). */
  logger?: Logger;
  /** Where unset options are read from; default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** The options as the environment variables the standalone service reads, over `env`. */
export function optionsAsEnv(options: PorticoOptions): Record<string, string | undefined> {
  const env = { ...(options.env ?? process.env) };
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined) env[name] = value;
  };
  const { stripe = {} } = options;
  set("APP_URL", options.appUrl);
  set("RETURN_URL_ORIGINS", options.returnUrlOrigins?.join(","));
  if (typeof options.database === "string") {
    if (/^postgres(ql)?:\/\//.test(options.database)) set("DATABASE_URL", options.database);
    else {
      env.DATABASE_URL = undefined;
      set("PORTICO_DATA_DIR", options.database);
    }
  }
  if (stripe.secretKey || stripe.testSecretKey || stripe.liveSecretKey) {
    // Keys given in code replace the environment's, whichever variables those were.
    env.STRIPE_SECRET_KEY = stripe.secretKey;
    env.STRIPE_TEST_SECRET_KEY = stripe.testSecretKey;
    env.STRIPE_LIVE_SECRET_KEY = stripe.liveSecretKey;
  }
  set("STRIPE_MODE", stripe.mode);
  set("STRIPE_API_BASE", stripe.apiBase);
  if (stripe.webhookSecret || stripe.webhookSecrets) {
    env.STRIPE_WEBHOOK_SECRET = stripe.webhookSecret;
    env.STRIPE_WEBHOOK_SECRETS = stripe.webhookSecrets?.test?.join(",");
    env.STRIPE_LIVE_WEBHOOK_SECRETS = stripe.webhookSecrets?.live?.join(",");
  }
  if (typeof options.billing === "string") set("PORTICO_CONFIG", options.billing);
  return env;
}

/** The host's own database the options name; undefined: the configuration's. */
export function hostDatabaseOption(options: PorticoOptions): DatabaseOptions | undefined {
  const { database } = options;
  if (!database || typeof database !== "object") return undefined;
  return { pool: database };
}
