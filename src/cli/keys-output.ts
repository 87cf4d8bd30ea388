import type { ServiceKeyRecord } from "../db/service-keys.js";
import { renderTable } from "./table.js";

/** How `portico keys` prints: a key's secret only once, at creation; lists show its prefix. */

export function renderCreatedKey(key: string, record: ServiceKeyRecord): string {
  return (
    `Created service key ${record.name} (${record.scopes.join(", ")}).\n\n` +
    `  ${key}\n\n` +
    "Store it now: it is not shown again, and Portico keeps only its hash.\n" +
    "Call with `Authorization: Bearer <key>` and `Portico-Subject: user:<id>`.\n"
  );
}

export function renderKeyTable(rows: ServiceKeyRecord[]): string {
  if (rows.length === 0) return "No service keys. `portico keys create --name <name>` adds one.\n";
  const header = ["NAME", "PREFIX", "SCOPES", "CREATED_AT", "LAST_USED_AT", "REVOKED_AT"];
  const lines = rows.map((row) => [
    row.name,
    `${row.prefix}…`,
    row.scopes.join(","),
    row.createdAt.toISOString(),
    row.lastUsedAt?.toISOString() ?? "-",
    row.revokedAt?.toISOString() ?? "",
  ]);
  return renderTable(header, lines);
}

export function renderKeysJson(rows: ServiceKeyRecord[]): string {
  const shown = rows.map(({ id, name, prefix, scopes, createdAt, lastUsedAt, revokedAt }) => ({
    id,
    name,
    prefix,
    scopes,
    createdAt,
    lastUsedAt,
    revokedAt,
  }));
  return `${JSON.stringify(shown, null, 2)}\n`;
}
