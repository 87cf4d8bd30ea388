import type { Logger } from "pino";
import type { ClaimedDelivery } from "../../db/webhook-deliveries.js";

export interface OutboxWorkerOptions {
  /** Milliseconds between polls; 0 turns the worker off (nothing dispatched or delivered). */
  intervalMs: number;
  /** Deliveries in flight at once; one per endpoint, so a slow endpoint holds up only itself. */
  concurrency: number;
  /** How long a shutdown lets deliveries in flight finish before cutting them short. */
  graceMs: number;
}

/**
 * The outbox's background work in each instance: dispatch the billing changes marked in the
 * database, then fill free delivery slots with due deliveries, each claimed on its own (a
 * short statement) and sent with no connection held. It polls, and `kick()` makes it look
 * at once (after a local change, or when a slot frees). Instances share the work through
 * the database's claims, never twice the same delivery at once.
 */
export function createOutboxWorker(deps: {
  dispatch(): Promise<number>;
  claim(busyEndpoints: readonly string[]): Promise<ClaimedDelivery | undefined>;
  deliver(claimed: ClaimedDelivery, signal: AbortSignal): Promise<void>;
  options: OutboxWorkerOptions;
  logger: Pick<Logger, "warn">;
}) {
  const { options, logger } = deps;
  const inFlight = new Map<string, { endpointId: string; work: Promise<void> }>();
  const cutShort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> | undefined;
  let again = false;
  let started = false;
  let stopped = false;

  async function runPass(): Promise<void> {
    await deps.dispatch().catch((error: unknown) => {
      logger.warn({ err: error }, "outbox dispatch failed");
    });
    while (!stopped && inFlight.size < options.concurrency) {
      const busy = [...new Set([...inFlight.values()].map((entry) => entry.endpointId))];
      const claimed = await deps.claim(busy).catch((error: unknown) => {
        logger.warn({ err: error }, "could not claim a webhook delivery");
        return undefined;
      });
      if (!claimed) return;
      const work = deps
        .deliver(claimed, cutShort.signal)
        .catch((error: unknown) =>
          logger.warn(
            { err: error, delivery: claimed.id },
            "a webhook delivery could not be recorded",
          ),
        )
        .finally(() => {
          inFlight.delete(claimed.id);
          kick();
        });
      inFlight.set(claimed.id, { endpointId: claimed.endpointId, work });
    }
  }

  /** Runs a pass now, or right after the one under way. */
  function kick() {
    if (!started || stopped) return;
    if (pass) {
      again = true;
      return;
    }
    pass = runPass().finally(() => {
      pass = undefined;
      if (again) {
        again = false;
        kick();
      }
    });
  }

  function schedule() {
    if (stopped) return;
    // Jitter keeps instances that started together from polling in step.
    const delay = options.intervalMs * (0.75 + Math.random() * 0.5);
    timer = setTimeout(() => {
      kick();
      schedule();
    }, delay);
    timer.unref();
  }

  return {
    start() {
      if (options.intervalMs <= 0 || started) return;
      started = true;
      kick();
      schedule();
    },
    kick,
    /**
     * Stops claiming; deliveries in flight finish (their outcome recorded) for up to
     * `graceMs`, then are cut short and recorded as failed attempts, to be retried.
     */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await pass;
      const all = () => Promise.allSettled([...inFlight.values()].map((entry) => entry.work));
      let grace: NodeJS.Timeout | undefined;
      const graceOver = new Promise<void>((resolve) => {
        grace = setTimeout(resolve, options.graceMs);
      });
      await Promise.race([all(), graceOver]);
      clearTimeout(grace);
      cutShort.abort();
      await all();
    },
  };
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>;
