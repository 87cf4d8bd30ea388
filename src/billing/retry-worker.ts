import type { Logger } from "pino";
import { createPeriodicTask } from "../periodic-task.js";

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

  async function runPass(stopping: () => boolean): Promise<void> {
    const ids = await deps.listDue(options.batchSize);
    for (const id of ids) {
      if (stopping()) return;
      const result = await deps.retry(id);
      if (result.status === "processed") logger.info({ event: id }, "retried event applied");
    }
  }

  const task = createPeriodicTask({
    intervalMs: options.intervalMs,
    run: runPass,
    failed: (error) => logger.warn({ err: error }, "webhook retry pass failed"),
  });
  return {
    start: task.start,
    /** Stops polling and waits for the event in hand, if any, to finish. */
    stop: task.stop,
  };
}

export type RetryWorker = ReturnType<typeof createRetryWorker>;
