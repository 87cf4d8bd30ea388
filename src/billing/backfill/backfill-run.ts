import type { Logger } from "pino";
import type { Db } from "../../db/client.js";
import {
  type BackfillPhase,
  type PhaseProgress,
  saveSyncProgress,
} from "../../db/sync-progress.js";
import type { BackfillCalls } from "../../stripe/backfill-calls.js";
import type { SyncCalls } from "../../stripe/sync-calls.js";
import type { PlanCatalog } from "../plans.js";
import { createReadFirstRunner } from "../sync/read-first.js";
import type { SyncContext } from "../sync/sync-context.js";
import { type BackfillItem, syncCustomerBatch } from "./customer-batch.js";
import type { RowChange } from "./row-changes.js";

export interface BackfillDeps {
  db: Db;
  /** Stripe in the mode being backfilled, already rate limited. */
  stripe: BackfillCalls;
  plans: Pick<PlanCatalog, "planForPrice">;
  logger: Pick<Logger, "info" | "warn">;
}

export interface BackfillProgress {
  phases: readonly PhaseProgress[];
  /** How many objects a phase goes through, for the phases that know in advance. */
  totals: Partial<Record<BackfillPhase, number>>;
}

export interface BackfillOptions {
  /** Compare only: write nothing, progress included, and answer what would change. */
  dryRun?: boolean;
  /** Forget an interrupted run's progress and start over. */
  restart?: boolean;
  /** Stops the run after the page in flight; its progress is kept for the next run. */
  signal?: AbortSignal;
  onProgress?(progress: BackfillProgress): void;
}

/** What a phase works with: the batch writer, the progress record, and the run's options. */
export interface BackfillRun {
  deps: BackfillDeps;
  livemode: boolean;
  dryRun: boolean;
  /** Ctrl-C, or another phase failing: stop after the page in flight. */
  signal: AbortSignal;
  /** Customers found missing locally: a dry run stores none, yet their cards count too. */
  unstoredCustomers: Set<string>;
  batch(
    customerId: string,
    collect: (ctx: SyncContext) => Promise<BackfillItem[]>,
  ): Promise<number>;
  /** How many objects a phase will go through, for the progress shown from its next page. */
  announceTotal(phase: BackfillPhase, total: number): void;
  /** Records a finished page: saved for a resume (unless a dry run), and reported. */
  finishPage(progress: PhaseProgress): Promise<void>;
}

export function createBackfillRun(
  deps: BackfillDeps,
  options: BackfillOptions & { signal: AbortSignal },
  phases: readonly PhaseProgress[],
  changes: Map<string, RowChange>,
): BackfillRun {
  const livemode = deps.stripe.livemode;
  const dryRun = options.dryRun ?? false;
  const unstoredCustomers = new Set<string>();
  const totals: BackfillProgress["totals"] = {};
  const readFirst = createReadFirstRunner(deps.db);
  const contextFor = (tx: Db, calls: SyncCalls): SyncContext => ({
    tx,
    livemode,
    stripe: calls,
    source: "refetch",
    plans: deps.plans,
    logger: deps.logger,
  });

  return {
    deps,
    livemode,
    dryRun,
    signal: options.signal,
    unstoredCustomers,
    async batch(customerId, collect) {
      const batchChanges = await syncCustomerBatch(
        { readFirst, stripe: deps.stripe.sync, contextFor, dryRun },
        customerId,
        collect,
      );
      // A dry run rolls each batch back, so a later phase may find the same row again.
      for (const change of batchChanges) {
        const key = `${change.kind}:${change.id}`;
        if (!changes.has(key)) changes.set(key, change);
        if (dryRun && change.kind === "customer" && change.change === "missing")
          unstoredCustomers.add(change.id);
      }
      return batchChanges.length;
    },
    announceTotal(phase, total) {
      totals[phase] = total;
    },
    async finishPage(progress) {
      if (!dryRun) await saveSyncProgress(deps.db, livemode, progress);
      options.onProgress?.({ phases, totals });
    },
  };
}
