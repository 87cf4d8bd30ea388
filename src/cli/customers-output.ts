import type { ImportOutcome, ImportReport, ImportStatus } from "../billing/customer-import.js";
import type { LinkCustomerResult } from "../billing/customer-links.js";
import { subjectKey } from "../db/subjects.js";

/** How `portico customers` prints a link and an import's report. */

export function renderLink(result: LinkCustomerResult, json: boolean): string {
  const subject = subjectKey(result.subject);
  if (json) return `${JSON.stringify({ ...result, subject }, null, 2)}\n`;
  const done =
    result.status === "linked"
      ? `Linked ${result.customerId} to ${subject} (${result.mode} mode).`
      : `${result.customerId} was already linked to ${subject} (${result.mode} mode).`;
  const pulled = result.synced
    ? " Its subscriptions, cards and invoices were pulled from Stripe."
    : " Its state could not be pulled from Stripe now: run `portico sync` or POST /api/billing/sync later.";
  return `${done}${pulled}\n`;
}

/** Report sections, in the order an operator acts on them. */
const SECTIONS: [ImportStatus, string][] = [
  ["linked", "Linked"],
  ["would_link", "Would link (dry run)"],
  ["already_linked", "Already linked"],
  ["ambiguous", "Ambiguous, not linked"],
  ["refused", "Refused, not linked"],
  ["unmatched", "Unmatched"],
];

export function renderImportReport(report: ImportReport, json: boolean): string {
  if (json) return `${JSON.stringify(report, null, 2)}\n`;
  const lines = [
    `${report.outcomes.length} customer(s) in Stripe ${report.mode} mode, matched by ${report.match}` +
      `${report.dryRun ? " (dry run: nothing written)" : ""}.`,
  ];
  for (const [status, title] of SECTIONS) {
    const rows = report.outcomes.filter((outcome) => outcome.status === status);
    if (rows.length === 0) continue;
    lines.push("", `${title}: ${rows.length}`, ...rows.map(renderOutcome));
  }
  if (report.dryRun && report.counts.would_link > 0) {
    lines.push("", "Run it again without --dry-run to link them.");
  }
  return `${lines.join("\n")}\n`;
}

function renderOutcome(outcome: ImportOutcome): string {
  const cells = [
    `  ${outcome.customerId}`,
    outcome.email ?? "-",
    outcome.subject ? `→ ${outcome.subject}` : "",
    outcome.reason ? `(${outcome.reason})` : "",
  ];
  return cells.filter(Boolean).join("  ");
}
