import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import { listRetryableStripeEvents, readInboxBacklog } from "../db/stripe-events.js";
import type { Metrics } from "../metrics.js";
import type { StripeGateway } from "../stripe/gateway.js";
import { createCheckoutService } from "./checkout.js";
import { replayStoredEvent } from "./event-replay.js";
import type { PlanCatalog } from "./plans.js";
import { createRetryWorker } from "./retry-worker.js";
import { createSubscriptionService } from "./subscriptions.js";
import { createSyncRunner } from "./sync/sync-runner.js";
import { createWebhookService, PROCESSING_LEASE_SECONDS } from "./webhooks.js";

/**
 * Subscription sync as the server wires it: the runner (events and pulls, one customer
 * at a time), the webhook inbox in front of it with its background retries, the read
 * side, and checkout.
 */
export function createSyncServices(deps: {
  db: Db;
  stripe: StripeGateway;
  plans: PlanCatalog;
  config: Config;
  metrics: Metrics;
  logger: Logger;
  /** After sync committed a change (marked for the outbox in its transaction). */
  onApplied?: () => void;
  /** Whether an in-process listener wants every change marked (see `markBillingChanged`). */
  listening?: () => boolean;
}) {
  const { db, stripe, plans, config, metrics, logger } = deps;
  const runner = createSyncRunner({
    db,
    stripe,
    plans,
    config,
    logger,
    onApplied: () => deps.onApplied?.(),
    listening: () => deps.listening?.() ?? false,
  });
  const subscriptions = createSubscriptionService({ db, stripe, plans, runner, config });
  metrics.watchInboxBacklog(() => readInboxBacklog(db));
  return {
    sync: runner,
    webhooks: createWebhookService({ db, runner, config, metrics, logger }),
    retries: createRetryWorker({
      listDue: (limit) =>
        listRetryableStripeEvents(db, {
          limit,
          backoffSeconds: config.sync.retry.backoffSeconds,
          maxAttempts: config.sync.retry.maxAttempts,
          leaseSeconds: PROCESSING_LEASE_SECONDS,
        }),
      retry: (id) => replayStoredEvent({ db, runner, logger }, id),
      options: { intervalMs: config.sync.retry.intervalMs, batchSize: 20 },
      logger,
    }),
    subscriptions,
    checkout: createCheckoutService({ db, stripe, plans, config, logger }),
  };
}

export type SyncServices = ReturnType<typeof createSyncServices>;
