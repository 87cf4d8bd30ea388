import type { Logger } from "pino";
import type { Config } from "../../config.js";
import type { Db } from "../../db/client.js";
import { claimDueDelivery, readDeliveryBacklog } from "../../db/webhook-deliveries.js";
import type { Metrics } from "../../metrics.js";
import { createSecretBox } from "../../projects/secret-box.js";
import type { BillingChanges } from "../billing-changes.js";
import type { PlanCatalog } from "../plans.js";
import { type Clock, createChangeDispatcher } from "./change-dispatcher.js";
import { createDeliverer } from "./deliver.js";
import { createOutboxWorker } from "./outbox-worker.js";
import { createWebhookEndpointService } from "./webhook-endpoints.js";

/** Deliveries in flight at once per instance. */
const CONCURRENCY = 8;
/** A delivery's lease outlasts its request: the timeout, and time to record the outcome. */
const LEASE_MARGIN_MS = 30_000;

export const systemClock: Clock = { now: () => new Date() };

/**
 * Outgoing webhooks and change notifications for one database (the server's, or a
 * project's): the dispatcher that turns marked billing changes into outbox events (and tells
 * in-process listeners), the endpoints, and the background worker that delivers.
 */
export function createOutbox(deps: {
  db: Db;
  plans: Pick<PlanCatalog, "plans">;
  config: Pick<Config, "outbox" | "encryption" | "shutdownGraceMs">;
  changes: Pick<BillingChanges, "tell">;
  metrics: Pick<Metrics, "outgoingWebhook" | "watchDeliveryBacklog">;
  logger: Pick<Logger, "info" | "warn">;
  projectId?: string | undefined;
  clock?: Clock | undefined;
  fetcher?: typeof fetch;
}) {
  const { db, config, metrics, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const box = config.encryption && createSecretBox(config.encryption);
  const dispatcher = createChangeDispatcher({
    db,
    plans: deps.plans,
    clock,
    logger,
    onChange: (change) => void deps.changes.tell(change),
  });
  const timeoutMs = config.outbox.deliveryTimeoutMs;
  const worker = createOutboxWorker({
    dispatch: () => dispatcher.dispatchPending(),
    claim: (busyEndpoints) => {
      const now = clock.now();
      const leaseUntil = new Date(now.getTime() + timeoutMs + LEASE_MARGIN_MS);
      return claimDueDelivery(db, { now, leaseUntil, busyEndpoints });
    },
    deliver: createDeliverer({
      db,
      box,
      projectId: deps.projectId,
      clock,
      timeoutMs,
      metrics,
      logger,
      ...(deps.fetcher ? { fetcher: deps.fetcher } : {}),
    }),
    options: {
      intervalMs: config.outbox.intervalMs,
      concurrency: CONCURRENCY,
      graceMs: config.shutdownGraceMs,
    },
    logger,
  });
  metrics.watchDeliveryBacklog(() => readDeliveryBacklog(db, clock.now()));
  return {
    worker,
    dispatcher,
    endpoints: createWebhookEndpointService({ db, box, projectId: deps.projectId }),
    clock,
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
