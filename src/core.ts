import type { Logger } from "pino";
import { createBillingChanges } from "./billing/billing-changes.js";
import type { BillingConfig } from "./billing/billing-config-schema.js";
import { createCustomerLinkService } from "./billing/customer-links.js";
import { createInvoiceListService } from "./billing/invoice-list.js";
import type { Clock } from "./billing/outbox/change-dispatcher.js";
import { createOutbox, type Outbox } from "./billing/outbox/outbox.js";
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
import { createRetentionWorker } from "./retention-worker.js";
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
  /** The outbox's time (a test's, to skip a retry's wait); default the system clock. */
  clock?: Clock;
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
  let outbox: Outbox | undefined;
  const changes = createBillingChanges({ logger });
  const billingSync = createSyncServices({
    db,
    stripe,
    plans,
    config,
    metrics,
    logger,
    onApplied: () => outbox?.worker.kick(),
    listening: () => changes.listening(),
  });
  const portal = createPortalService({ db, stripe, config, setup, metrics, logger });
  outbox = createOutbox({
    db,
    plans,
    config,
    changes,
    metrics,
    logger,
    projectId: deps.projectId,
    clock: deps.clock,
  });
  const readiness = createReadinessCheck({ db, stripe, setup });
  const retention = createRetentionWorker({
    db,
    options: config.retention,
    logger,
    pruned: metrics.rowsPruned,
  });
  return {
    config,
    logger,
    database,
    metrics,
    stripe,
    plans,
    setup,
    readiness,
    portal,
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
    /** Subjects whose billing view changed, for an app to be told (embedded `onChange`). */
    changes,
    /** Outgoing webhooks: endpoints, and the worker that dispatches and delivers. */
    outbox,

    /**
     * The background work: the setup check (Stripe may be slow; nobody waits), retries of
     * failed webhook events, the outbox, and retention.
     */
    start() {
      void setup.run();
      billingSync.retries.start();
      outbox.worker.start();
      retention.start();
    },

    /**
     * Stops the retry worker; `drainRequests` lets in-flight requests finish, then sync work
     * not yet begun is refused (left in the inbox for a retry) and webhook batches settle.
     */
    async stop(drainRequests: () => Promise<void> = async () => {}) {
      readiness.drain();
      // The worker finishes the event in hand while requests drain; nothing is cut mid-event.
      const retriesStopped = billingSync.retries.stop();
      // Deliveries in flight finish (or are cut short after the grace) and are recorded.
      const outboxStopped = outbox.worker.stop();
      const retentionStopped = retention.stop();
      await drainRequests();
      // Audit rows written behind their responses are in before the database closes.
      await portal.flush();
      // Events already answered `queued` are applied before sync refuses new work.
      await billingSync.webhooks.settled();
      billingSync.sync.close();
      await billingSync.webhooks.drain();
      await Promise.all([retriesStopped, outboxStopped, retentionStopped]);
    },
  };
}

export type Core = ReturnType<typeof createCore>;
