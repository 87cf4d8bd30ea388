import type { Logger } from "pino";
import {
  parseBillingConfig,
  readBillingConfigFile,
  withBillingConfig,
} from "../billing/billing-config.js";
import { loadConfig } from "../config.js";
import { type Core, createCore } from "../core.js";
import { databaseOptions, openDatabase } from "../db/client.js";
import { readMigrationStatus } from "../db/health.js";
import { PorticoError } from "../errors.js";
import { createLogger } from "../logger.js";
import { createCustomerAdoption } from "./adopt-customer.js";
import { createPorticoApi, type PorticoApi } from "./api.js";
import { createEmbeddedApp } from "./handler.js";
import { forwardChangesToHost } from "./host-changes.js";
import { hostIdentity } from "./host-identity.js";
import { createHostSubjects, type HostSubjects, hostSubjectAccess } from "./host-subjects.js";
import { hostDatabaseOption, optionsAsEnv, type PorticoOptions } from "./options.js";

export interface Portico {
  /** Every billing route under `basePath`: mount it as the app's catch-all for that path. */
  handler(request: Request): Promise<Response>;
  /** The same operations for the host's server code (server actions, jobs). */
  api: PorticoApi;
  /** Where the handler is mounted, e.g. `/api/billing`. */
  basePath: string;
  /** Portico's pino logger: the given one, or its own. */
  logger: Logger;
  /**
   * Opens the database (and migrates, with `migrate: true`) and starts the background
   * webhook retries. The first request or API call does this too; call it to fail at boot.
   */
  ready(): Promise<void>;
  /** Stops the background work and closes what Portico opened (never the host's pool). */
  close(): Promise<void>;
}

const DEFAULT_BASE_PATH = "/api/billing";

/**
 * Portico inside the host app, behind the host's own auth. The configuration is checked
 * now (a bad key or URL throws `ConfigError`); the database is opened on first use, so
 * creating it at module scope in a route file is cheap.
 */
export function createPortico(options: PorticoOptions): Portico {
  const basePath = normalizeBasePath(options.basePath ?? DEFAULT_BASE_PATH);
  const envConfig = loadConfig(optionsAsEnv(options));
  const logger = options.logger ?? createLogger(envConfig);

  let opening:
    | Promise<{ core: Core; hostSubjects: HostSubjects; app: ReturnType<typeof createEmbeddedApp> }>
    | undefined;
  const open = () => {
    // A failure (database down) is not kept: the next request tries again.
    opening ??= start().catch((error: unknown) => {
      opening = undefined;
      throw error;
    });
    return opening;
  };

  async function start() {
    const billingConfig =
      typeof options.billing === "object"
        ? parseBillingConfig(options.billing)
        : await readBillingConfigFile(envConfig.billingConfigPath);
    const config = withBillingConfig(envConfig, billingConfig);
    const database = await openDatabase(hostDatabaseOption(options) ?? databaseOptions(config));
    try {
      if (options.migrate) await database.migrate();
      else await refuseUnmigrated(database.db);
    } catch (error) {
      await database.close();
      throw error;
    }
    const core = createCore({ config, logger, billingConfig, database });
    if (options.onChange) {
      forwardChangesToHost({
        changes: core.changes,
        db: database.db,
        onChange: options.onChange,
        logger,
      });
    }
    core.start();
    const adoptCustomer = createCustomerAdoption({
      db: database.db,
      links: core.customerLinks,
      mode: config.stripe.appMode,
      logger,
    });
    const identify = hostIdentity(options.identify, database.db, config.appUrl, adoptCustomer);
    const hostSubjects = createHostSubjects({
      db: database.db,
      authorize: options.authorize,
      describe: options.describeOrganization,
    });
    const subjects = hostSubjectAccess(hostSubjects);
    return { core, hostSubjects, app: createEmbeddedApp(core, { identify, subjects }, basePath) };
  }

  let api: PorticoApi | undefined;
  const withApi = async () => {
    const { core, hostSubjects } = await open();
    api ??= createPorticoApi(core, hostSubjects);
    return api;
  };

  return {
    basePath,
    logger,
    async handler(request) {
      let app: Awaited<ReturnType<typeof open>>["app"];
      try {
        ({ app } = await open());
      } catch (error) {
        return unavailable(error, logger);
      }
      return app.fetch(request);
    },
    api: {
      createPortalSession: async (input) => (await withApi()).createPortalSession(input),
      createCheckout: async (input) => (await withApi()).createCheckout(input),
      getSubscription: async (input) => (await withApi()).getSubscription(input),
      syncSubscription: async (input) => (await withApi()).syncSubscription(input),
      listInvoices: async (input) => (await withApi()).listInvoices(input),
      setSeats: async (input) => (await withApi()).setSeats(input),
      listPlans: async () => (await withApi()).listPlans(),
    },
    async ready() {
      await open();
    },
    async close() {
      const started = opening && (await opening.catch(() => undefined));
      opening = undefined;
      if (!started) return;
      await started.core.stop();
      await started.core.database.close();
    },
  };
}

async function refuseUnmigrated(db: Parameters<typeof readMigrationStatus>[0]) {
  const { pending } = await readMigrationStatus(db);
  if (pending.length === 0) return;
  throw new PorticoError(
    "SERVICE_UNAVAILABLE",
    `Portico's database has ${pending.length} pending migration(s): run \`npx portico migrate\`, or pass migrate: true`,
  );
}

/** `/api/billing/` and `api/billing` mean `/api/billing`; `/` means the root. */
function normalizeBasePath(path: string): string {
  const trimmed = `/${path}`.replace(/\/+/g, "/").replace(/\/$/, "");
  return trimmed;
}

/** Portico could not start (database down, not migrated): a retryable 503, no internals. */
function unavailable(error: unknown, logger: { error(obj: object, msg: string): void }) {
  const known = error instanceof PorticoError;
  logger.error({ err: error }, "Portico could not start");
  return Response.json(
    {
      success: false,
      error: {
        code: "SERVICE_UNAVAILABLE",
        message: known ? error.message : "Billing is temporarily unavailable, try again shortly",
      },
    },
    { status: 503, headers: { "retry-after": "5" } },
  );
}
