import type { Logger } from "pino";
import type { Db } from "./db/client.js";
import { pruneBatch, type RetentionPolicy, retentionRules } from "./db/retention.js";
import { createPeriodicTask } from "./periodic-task.js";

export interface RetentionOptions extends RetentionPolicy {
  /** Milliseconds between passes; 0 turns the worker off. */
  intervalMs: number;
}

/** Rows deleted per statement: a short transaction, however much is due. */
const BATCH = 1_000;
/** Per rule and pass: a backlog (a first pass on an old database) is worked off over passes. */
const MAX_BATCHES_PER_PASS = 100;

/**
 * Deletes the rows Portico is done with (see `retentionRules`), a pass every `intervalMs`,
 * so the inbox, the outbox and the session tables do not grow without end. Instances that
 * prune at once only race for the same rows, which one of them deletes. The first pass runs
 * one interval after start, away from the start's own work.
 */
export function createRetentionWorker(deps: {
  db: Db;
  options: RetentionOptions;
  logger: Pick<Logger, "info" | "warn">;
  pruned?(table: string, rows: number): void;
}) {
  const { db, options, logger } = deps;
  const rules = retentionRules(options);

  /** One pass over every rule; answers the rows deleted, by table. */
  async function runPass(stopping = () => false): Promise<Record<string, number>> {
    const deleted: Record<string, number> = {};
    for (const rule of rules) {
      for (let batch = 0; batch < MAX_BATCHES_PER_PASS && !stopping(); batch++) {
        const rows = await pruneBatch(db, rule, BATCH);
        if (rows > 0) {
          deleted[rule.name] = (deleted[rule.name] ?? 0) + rows;
          deps.pruned?.(rule.name, rows);
        }
        if (rows < BATCH) break;
      }
    }
    if (Object.keys(deleted).length > 0) logger.info({ deleted }, "retention pass deleted rows");
    return deleted;
  }

  const task = createPeriodicTask({
    intervalMs: options.intervalMs,
    run: runPass,
    failed: (error) => logger.warn({ err: error }, "retention pass failed"),
  });
  return {
    start: task.start,
    /** A pass now, whatever the interval (tests, and an operator's script). */
    runPass: () => runPass(),
    /** Stops scheduling; a pass in hand stops after its current statement. */
    stop: task.stop,
  };
}

export type RetentionWorker = ReturnType<typeof createRetentionWorker>;
