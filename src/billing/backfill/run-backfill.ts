import {
  BACKFILL_PHASES,
  type BackfillPhase,
  clearSyncProgress,
  emptyProgress,
  type PhaseProgress,
  readSyncProgress,
} from "../../db/sync-progress.js";
import {
  type BackfillDeps,
  type BackfillOptions,
  type BackfillRun,
  createBackfillRun,
} from "./backfill-run.js";
import { runCardPhase } from "./card-phase.js";
import {
  type PhaseOutcome,
  runCustomersPhase,
  runInvoicesPhase,
  runSubscriptionsPhase,
} from "./listed-phases.js";
import type { RowChange } from "./row-changes.js";

export interface BackfillResult {
  status: "completed" | "interrupted";
  /** The run went on from an earlier, interrupted one. */
  resumed: boolean;
  phases: PhaseProgress[];
  /** Rows changed, or on a dry run the rows that differ from Stripe. */
  changes: RowChange[];
}

const RUNNERS: Record<
  BackfillPhase,
  (run: BackfillRun, progress: PhaseProgress) => Promise<PhaseOutcome>
> = {
  customers: runCustomersPhase,
  subscriptions: runSubscriptionsPhase,
  invoices: runInvoicesPhase,
  payment_methods: runCardPhase,
};

/**
 * `portico sync`: brings every customer, subscription (canceled ones included), card and
 * invoice of one mode in line with Stripe, through the writes webhook sync uses, one
 * customer's lock at a time. An interrupted run resumes after each phase's last finished
 * page; a finished run leaves its record, and the next run starts over.
 */
export async function runBackfill(
  deps: BackfillDeps,
  options: BackfillOptions = {},
): Promise<BackfillResult> {
  const { db } = deps;
  const livemode = deps.stripe.livemode;
  let stored = options.dryRun ? [] : await readSyncProgress(db, livemode);
  const finished = BACKFILL_PHASES.every((phase) =>
    stored.some((progress) => progress.phase === phase && progress.completed),
  );
  if (!options.dryRun && (options.restart || finished) && stored.length > 0) {
    await clearSyncProgress(db, livemode);
    stored = [];
  }
  const phases = BACKFILL_PHASES.map(
    (phase) => stored.find((progress) => progress.phase === phase) ?? emptyProgress(phase),
  );
  const changes = new Map<string, RowChange>();
  // A failing phase stops the others after their page in flight, as Ctrl-C does.
  const failed = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, failed.signal]) : failed.signal;
  const run = createBackfillRun(deps, { ...options, signal }, phases, changes);
  const runPhases = async (group: readonly BackfillPhase[]) => {
    const outcomes = await Promise.allSettled(
      phases
        .filter((progress) => group.includes(progress.phase) && !progress.completed)
        .map((progress) =>
          RUNNERS[progress.phase](run, progress).catch((error: unknown) => {
            failed.abort();
            throw error;
          }),
        ),
    );
    const failure = outcomes.find((outcome) => outcome.status === "rejected");
    if (failure) throw failure.reason;
    return outcomes.some(
      (outcome) => outcome.status === "fulfilled" && outcome.value === "interrupted",
    );
  };

  // Customers first: the card phase goes through the customers stored by then. The other
  // three share the rate limit, so Stripe's answers for one overlap the writes of another.
  const interrupted =
    (await runPhases(["customers"])) ||
    (await runPhases(["subscriptions", "invoices", "payment_methods"]));
  return {
    status: interrupted ? "interrupted" : "completed",
    resumed: stored.length > 0,
    phases,
    changes: [...changes.values()],
  };
}
