import type { StripeEventRow } from "../db/stripe-events.js";
import { renderTable } from "./table.js";

/** How `portico events` prints inbox rows: an aligned table, one row in full, or JSON. */

const ERROR_WIDTH = 60;

/** One line, at most `width` characters: an error may span lines and run to 2,000 characters. */
export function truncate(text: string, width: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`;
}

export function renderEventTable(rows: StripeEventRow[]): string {
  if (rows.length === 0) return "No events.\n";
  const header = ["ID", "TYPE", "LIVEMODE", "STATUS", "ATTEMPTS", "RECEIVED_AT", "LAST_ERROR"];
  const lines = rows.map((row) => [
    row.id,
    row.type,
    String(row.livemode),
    row.status,
    String(row.attempts),
    row.receivedAt.toISOString(),
    truncate(row.lastError ?? "", ERROR_WIDTH),
  ]);
  return renderTable(header, lines);
}

export function renderEventDetail(row: StripeEventRow): string {
  const date = (value: Date | null) => value?.toISOString() ?? "-";
  const fields: [string, string][] = [
    ["id", row.id],
    ["type", row.type],
    ["livemode", String(row.livemode)],
    ["status", row.status],
    ["attempts", String(row.attempts)],
    ["created", date(row.created)],
    ["received_at", date(row.receivedAt)],
    ["claimed_at", date(row.claimedAt)],
    ["processed_at", date(row.processedAt)],
    ["last_error", row.lastError ?? "-"],
  ];
  const width = Math.max(...fields.map(([name]) => name.length));
  const lines = fields.map(([name, value]) => `${name.padEnd(width)}  ${value}`);
  return `${lines.join("\n")}\npayload:\n${JSON.stringify(row.payload, null, 2)}\n`;
}

/** The row as JSON, dates as ISO strings (what `JSON.stringify` gives a Date). */
export function renderEventsJson(rows: StripeEventRow | StripeEventRow[]): string {
  return `${JSON.stringify(rows, null, 2)}\n`;
}
