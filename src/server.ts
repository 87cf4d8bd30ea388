import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import type { Logger } from "pino";
import { type AccountService, createAccountService } from "./auth/accounts.js";
import { readBillingConfigFile, withBillingConfig } from "./billing/billing-config.js";
import type { BillingConfig } from "./billing/billing-config-schema.js";
import { type CatalogSync, createCatalogSync } from "./billing/catalog-sync.js";
import { createPlanCatalog, type PlanCatalog } from "./billing/plans.js";
import { createPortalService } from "./billing/portal.js";
import { createSetupCheck, type SetupCheck } from "./billing/setup-check.js";
import type { Config } from "./config.js";
import { type Database, databaseOptions, openDatabase } from "./db/client.js";
import { createApp, type PorticoApp } from "./http/app.js";
import { createStripeClients } from "./stripe/client.js";
import { createStripeGateway, type StripeGateway } from "./stripe/gateway.js";

export interface Portico {
  app: PorticoApp;
  database: Database;
  stripe: StripeGateway;
  accounts: AccountService;
  /** `portico.config.json`, when present. */
  billingConfig: BillingConfig | undefined;
  plans: PlanCatalog;
  catalog: CatalogSync;
  setup: SetupCheck;
  /** Starts listening; resolves with the bound port. */
  listen(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Wires the service together from its configuration. Migrations run before it
 * answers. A `database` passed in (several instances on one database, in tests)
 * is left open on close.
 */
export async function createPortico(
  envConfig: Config,
  logger: Logger,
  options: { database?: Database } = {},
): Promise<Portico> {
  const billingConfig = await readBillingConfigFile(envConfig.billingConfigPath);
  const config = withBillingConfig(envConfig, billingConfig);
  const database = options.database ?? (await openDatabase(databaseOptions(config)));
  await database.migrate();
  const { db } = database;
  const stripe = createStripeGateway(createStripeClients(config.stripe));
  const accounts = createAccountService({ db, config });
  const plans = createPlanCatalog(billingConfig);
  const setup = createSetupCheck({ stripe, config, billing: billingConfig, plans, logger });
  const portal = createPortalService({ db, stripe, config, setup });
  const app = createApp({ config, logger, accounts, portal });

  let server: Server | undefined;
  return {
    app,
    database,
    stripe,
    accounts,
    billingConfig,
    plans,
    catalog: createCatalogSync({ stripe }),
    setup,
    listen() {
      // In the background: a slow or unreachable Stripe must not hold up startup.
      void setup.run();
      return new Promise((resolve, reject) => {
        server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) =>
          resolve(info.port),
        ) as Server;
        server.once("error", reject);
        // Slow-loris and idle-socket bounds; keep-alive outlives typical proxy idle timeouts.
        server.headersTimeout = 15_000;
        server.requestTimeout = 30_000;
        server.keepAliveTimeout = 65_000;
      });
    },
    async close() {
      if (server) {
        const closing = new Promise<void>((resolve) => server?.close(() => resolve()));
        server.closeIdleConnections();
        await closing;
      }
      if (!options.database) await database.close();
    },
  };
}
