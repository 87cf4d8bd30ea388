import type { Logger } from "pino";
import type { BillingConfig } from "./billing/billing-config-schema.js";
import { createCustomerLinkService } from "./billing/customer-links.js";
import { createInvoiceListService } from "./billing/invoice-list.js";
import { createPlanCatalog } from "./billing/plans.js";
import { createPortalService } from "./billing/portal.js";
import { createReadinessCheck } from "./billing/readiness.js";
import { createSeatService } from "./billing/seat-changes.js";
import { seatProrationBehavior } from "./billing/seats.js";
import { createSetupCheck } from "./billing/setup-check.js";
import { createSyncServices } from "./billing/sync-services.js";
import type { Config } from "./config.js";
import type { Database } from "./db/client.js";
import { createMetrics } from "./metrics.js";
import { createStripeClients } from "./stripe/client.js";
import { createStripeGateway } from "./stripe/gateway.js";

/**
 * Portico's billing core, the same embedded in a host app and in the standalone service:
 * Stripe, the catalog, portal sessions, checkout, the webhook inbox and sync, and the read
 * side. It has no HTTP and no notion of who the user is; callers pass the billing subject
 * (a Portico user or organization) that their own access check resolved.
 */
export function createCore(deps: {
  config: Config;
  logger: Logger;
  billingConfig: BillingConfig | undefined;
  database: Database;
  /** A hosted project's core: its metrics are labelled with the project. */
  projectId?: string;
}) {
  const { config, logger, billingConfig, database } = deps;
  const { db } = database;
  const metrics = createMetrics({
    enabled: config.metrics.enabled,
    ...(deps.projectId ? { project: deps.projectId } : {}),
  });
  const stripe = createStripeGateway(createStripeClients(config.stripe), {
    metrics,
    maxConcurrentCalls: config.stripe.maxConcurrentCalls,
  });
  const plans = createPlanCatalog(billingConfig);
  const setup = createSetupCheck({ stripe, config, billing: billingConfig, plans, logger });
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
  const readiness = createReadinessCheck({ db, stripe, setup });
  return {
    config,
    logger,
    database,
    metrics,
    stripe,
    plans,
    setup,
    readiness,
    portal: createPortalService({ db, stripe, config, setup, metrics }),
    invoices: createInvoiceListService({ db }),
    seats: createSeatService({
      db,
      stripe,
      plans,
      runner: billingSync.sync,
      subscriptions: billingSync.subscriptions,
      config,
      prorationBehavior: seatProrationBehavior(billingConfig),
    }),
    ...billingSync,
    customerLinks: createCustomerLinkService({ db, stripe, runner: billingSync.sync, logger }),

    /** The background work: the setup check (Stripe may be slow; nobody waits) and retries. */
    start() {
      void setup.run();
      billingSync.retries.start();
    },

    /**
     * Stops the retry worker; `drainRequests` lets in-flight requests finish, then sync work
     * not yet begun is refused (left in the inbox for a retry) and webhook batches settle.
     */
    async stop(drainRequests: () => Promise<void> = async () => {}) {
      readiness.drain();
      // The worker finishes the event in hand while requests drain; nothing is cut mid-event.
      const retriesStopped = billingSync.retries.stop();
      await drainRequests();
      billingSync.sync.close();
      await billingSync.webhooks.drain();
      await retriesStopped;
    },
  };
}

export type Core = ReturnType<typeof createCore>;
