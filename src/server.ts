import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import type { Logger } from "pino";
import { type AccountService, createAccountService } from "./auth/accounts.js";
import { readBillingConfigFile, withBillingConfig } from "./billing/billing-config.js";
import type { BillingConfig } from "./billing/billing-config-schema.js";
import { type CatalogSync, createCatalogSync } from "./billing/catalog-sync.js";
import { createInvoiceListService } from "./billing/invoice-list.js";
import { createPlanCatalog, type PlanCatalog } from "./billing/plans.js";
import { createPortalService } from "./billing/portal.js";
import { createReadinessCheck, type ReadinessCheckService } from "./billing/readiness.js";
import { createSetupCheck, type SetupCheck } from "./billing/setup-check.js";
import { createSyncServices, type SyncServices } from "./billing/sync-services.js";
import type { Config } from "./config.js";
import { type Database, databaseOptions, openDatabase } from "./db/client.js";
import { createApp, type PorticoApp } from "./http/app.js";
import { closeServer } from "./http/close-server.js";
import { createMetrics, type Metrics } from "./metrics.js";
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
  /** Subscription sync: apply stored events, pull a customer from Stripe. */
  sync: SyncServices["sync"];
  metrics: Metrics;
  readiness: ReadinessCheckService;
  /** Starts listening; resolves with the bound port. */
  listen(): Promise<number>;
  /**
   * Answers not-ready, stops the retry worker and accepting connections, lets in-flight
   * requests and webhook batches finish for up to `graceMs` (default SHUTDOWN_GRACE_MS),
   * then closes the database.
   */
  close(options?: { graceMs?: number }): Promise<void>;
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
  const metrics = createMetrics({ enabled: config.metrics.enabled });
  const stripe = createStripeGateway(createStripeClients(config.stripe), {
    metrics,
    maxConcurrentCalls: config.stripe.maxConcurrentCalls,
  });
  const accounts = createAccountService({ db, config });
  const plans = createPlanCatalog(billingConfig);
  const setup = createSetupCheck({ stripe, config, billing: billingConfig, plans, logger });
  const portal = createPortalService({ db, stripe, config, setup, metrics });
  const readiness = createReadinessCheck({ db, stripe, setup });
  const billingSync = createSyncServices({
    db,
    stripe,
    plans,
    config,
    metrics,
    logger,
    // PGlite has one connection; on PostgreSQL a few lanes leave the pool room for requests.
    applyLanes: database.engine === "postgres" ? 4 : 1,
  });
  const invoices = createInvoiceListService({ db });
  const app = createApp({
    config,
    logger,
    accounts,
    portal,
    metrics,
    readiness,
    plans,
    invoices,
    ...billingSync,
  });

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
    sync: billingSync.sync,
    metrics,
    readiness,
    listen() {
      // In the background: a slow or unreachable Stripe must not hold up startup.
      void setup.run();
      billingSync.retries.start();
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
    async close(closeOptions = {}) {
      readiness.drain();
      // The worker finishes the event in hand while requests drain; nothing is cut mid-event.
      const retriesStopped = billingSync.retries.stop();
      if (server) await closeServer(server, closeOptions.graceMs ?? config.shutdownGraceMs);
      // Grace is over: sync work still queued stays in the inbox for a retry.
      billingSync.sync.close();
      await billingSync.webhooks.drain();
      await retriesStopped;
      if (!options.database) await database.close();
    },
  };
}
