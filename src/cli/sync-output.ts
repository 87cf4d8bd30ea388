import type { BackfillProgress } from "../billing/backfill/backfill-run.js";
import { describeChange, type RowChange } from "../billing/backfill/row-changes.js";
import type { BackfillResult } from "../billing/backfill/run-backfill.js";
import type { MirroredKind } from "../db/backfill-rows.js";
import type { BackfillPhase, PhaseProgress } from "../db/sync-progress.js";

/** What `portico sync` shows: progress while it runs, then a summary or a drift report. */

const PHASE_NAMES: Record<BackfillPhase, string> = {
  customers: "customers",
  subscriptions: "subscriptions",
  invoices: "invoices",
  payment_methods: "customers' cards",
};

export interface RunFigures {
  mode: "test" | "live";
  dryRun: boolean;
  seconds: number;
  requests: number;
  rateLimit: number;
}

/** `customers 250, subscriptions 400/?, invoices 0/?, customers' cards 30/250 · 12 changed` */
export function describeProgress(progress: BackfillProgress): string {
  const parts = progress.phases.map((phase) => {
    const name = PHASE_NAMES[phase.phase];
    if (phase.completed) return `${name} ${phase.objects}`;
    return `${name} ${phase.objects}/${progress.totals[phase.phase] ?? "?"}`;
  });
  const changed = progress.phases.reduce((sum, phase) => sum + phase.changed, 0);
  return `${parts.join(", ")} · ${changed} changed`;
}

/**
 * A one-line bar redrawn on a terminal, or one plain line per page elsewhere (CI logs).
 * Stripe's lists give no totals: the bar fills by finished phase, and within the card
 * phase, whose customers are counted up front.
 */
export function createProgressView(io: { err(text: string): void; terminal: boolean }) {
  let drawn = false;
  let lastDraw = 0;
  return {
    update(progress: BackfillProgress) {
      if (!io.terminal) {
        io.err(`sync: ${describeProgress(progress)}\n`);
        return;
      }
      const now = Date.now();
      if (now - lastDraw < 100) return;
      lastDraw = now;
      io.err(`\r\u001b[K${bar(progress)} ${describeProgress(progress)}`);
      drawn = true;
    },
    finish() {
      if (drawn) io.err("\r\u001b[K");
    },
  };
}

const BAR_WIDTH = 24;

function bar(progress: BackfillProgress): string {
  const { phases, totals } = progress;
  const shareOf = (phase: PhaseProgress) => {
    const total = totals[phase.phase];
    if (phase.completed) return 1;
    return total ? Math.min(1, phase.objects / total) : 0;
  };
  const done = phases.reduce((sum, phase) => sum + shareOf(phase), 0) / phases.length;
  const filled = Math.round(done * BAR_WIDTH);
  return `[${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)}]`;
}

export function renderSyncText(result: BackfillResult, figures: RunFigures): string {
  const rate = figures.seconds > 0 ? figures.requests / figures.seconds : 0;
  const requests = `${figures.requests} Stripe requests in ${figures.seconds.toFixed(1)} s (${rate.toFixed(1)}/s, limit ${figures.rateLimit}/s)`;
  const counted = result.phases.map(phaseSummary).join(", ");
  if (result.status === "interrupted") {
    return `Interrupted (${counted}); progress is saved.\nRun \`portico sync --mode ${figures.mode}\` again to resume, or add --restart to start over.\n`;
  }
  if (figures.dryRun) {
    const lines = result.changes.map((change) => `  ${describeChange(change)}`);
    const verdict =
      result.changes.length === 0
        ? "local state matches Stripe"
        : `${countRows(result.changes)} differ from Stripe`;
    return [
      `Dry run, ${figures.mode} mode (nothing written): ${verdict}. Checked ${counted}.`,
      ...lines,
      requests,
      "",
    ].join("\n");
  }
  const written =
    result.changes.length === 0 ? "nothing to change" : `${countRows(result.changes)} written`;
  return `Synced ${figures.mode} mode${result.resumed ? " (resumed)" : ""}: ${counted}; ${written}.\n${requests}\n`;
}

export function renderSyncJson(result: BackfillResult, figures: RunFigures): string {
  return `${JSON.stringify(
    {
      mode: figures.mode,
      dryRun: figures.dryRun,
      status: result.status,
      resumed: result.resumed,
      seconds: Number(figures.seconds.toFixed(3)),
      requests: figures.requests,
      rateLimit: figures.rateLimit,
      phases: Object.fromEntries(
        result.phases.map((phase) => [
          phase.phase,
          { objects: phase.objects, changed: phase.changed, completed: phase.completed },
        ]),
      ),
      changes: result.changes.map((change) => ({
        object: change.kind,
        id: change.id,
        change: change.change,
        ...(change.change === "differs" ? { fields: change.fields } : {}),
      })),
    },
    null,
    2,
  )}\n`;
}

const phaseSummary = (phase: PhaseProgress) => `${phase.objects} ${PHASE_NAMES[phase.phase]}`;

const KIND_NAMES: Record<MirroredKind, string> = {
  customer: "customer",
  subscription: "subscription",
  payment_method: "card",
  invoice: "invoice",
};

/** `3 rows (1 subscription, 2 cards)` */
function countRows(changes: RowChange[]): string {
  const kinds = (Object.keys(KIND_NAMES) as MirroredKind[]).flatMap((kind) => {
    const count = changes.filter((change) => change.kind === kind).length;
    return count === 0 ? [] : [`${count} ${KIND_NAMES[kind]}${count === 1 ? "" : "s"}`];
  });
  return `${changes.length} row${changes.length === 1 ? "" : "s"} (${kinds.join(", ")})`;
}
