import type { Logger } from "pino";

export interface RetryWorkerOptions {
  /** Milliseconds between passes; 0 turns the worker off. */
  intervalMs: number;
  /** Events retried per pass (each one in its own transaction). */
  batchSize: number;
}

/**
 * Retries inbox events that failed (or were abandoned mid-way by a crashed instance) in
 * the background, so recovery does not wait on Stripe's redelivery schedule, which backs
 * off to hours. `listDue` decides which are due (backoff per event); `retry` claims one
 * atomically, so instances sharing a database never apply the same event twice.
 */
export function createRetryWorker(deps: {
  listDue(limit: number): Promise<string[]>;
  retry(id: string): Promise<{ status: "processed" | "failed" | "skipped" }>;
  options: RetryWorkerOptions;
  logger: Pick<Logger, "info" | "warn">;
}) {
  const { options, logger } = deps;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> | undefined;
  let stopped = false;

  async function runPass(): Promise<void> {
    const ids = await deps.listDue(options.batchSize);
    for (const id of ids) {
      if (stopped) return;
      const result = await deps.retry(id);
      if (result.status === "processed") logger.info({ event: id }, "retried event applied");
    }
  }

  function schedule() {
    if (stopped) return;
    // Jitter keeps instances that started together from polling in step.
    const delay = options.intervalMs * (0.75 + Math.random() * 0.5);
    timer = setTimeout(() => {
      pass = runPass()
        .catch((error: unknown) => logger.warn({ err: error }, "webhook retry pass failed"))
        .finally(() => {
          pass = undefined;
          schedule();
        });
    }, delay);
    timer.unref();
  }

  return {
    start() {
      if (options.intervalMs > 0 && !timer) schedule();
    },
    /** Stops polling and waits for the event in hand, if any, to finish. */
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await pass;
    },
  };
}

export type RetryWorker = ReturnType<typeof createRetryWorker>;
