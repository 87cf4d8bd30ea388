import type { MirroredKind, StoredRow } from "../../db/backfill-rows.js";

/** How one local row differs from Stripe's object, local value first. */
export interface FieldChange {
  field: string;
  local: unknown;
  stripe: unknown;
}

export type RowChange = { kind: MirroredKind; id: string } & (
  | { change: "missing" }
  | { change: "extra" }
  | { change: "differs"; fields: FieldChange[] }
);

/** Written on every upsert; it says when, not what. */
const BOOKKEEPING = new Set(["synced_at"]);

/**
 * The rows `after` changed compared with `before`, both keyed `kind:id`: missing locally
 * (only after), gone from Stripe (only before), or the fields that differ.
 */
export function diffRows(
  before: ReadonlyMap<string, StoredRow>,
  after: ReadonlyMap<string, StoredRow>,
): RowChange[] {
  const changes: RowChange[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const separator = key.indexOf(":");
    const object = { kind: key.slice(0, separator) as MirroredKind, id: key.slice(separator + 1) };
    const local = before.get(key);
    const stripe = after.get(key);
    if (!local) changes.push({ ...object, change: "missing" });
    else if (!stripe) changes.push({ ...object, change: "extra" });
    else {
      const fields = changedFields(local, stripe);
      if (fields.length > 0) changes.push({ ...object, change: "differs", fields });
    }
  }
  return changes;
}

export function changedFields(local: StoredRow, stripe: StoredRow): FieldChange[] {
  return Object.keys(stripe)
    .filter((field) => !BOOKKEEPING.has(field) && !sameValue(local[field], stripe[field]))
    .map((field) => ({ field, local: local[field], stripe: stripe[field] }));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null)
    return canonicalJson(a) === canonicalJson(b);
  return a === b;
}

/** JSON with sorted keys: jsonb may hand back an object's keys in another order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, nested: unknown) =>
    typeof nested === "object" && nested !== null && !Array.isArray(nested)
      ? Object.fromEntries(Object.entries(nested).sort(([a], [b]) => a.localeCompare(b)))
      : nested,
  );
}

/** A value as a drift report prints it. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (value instanceof Date) return value.toISOString().replace(".000Z", "Z");
  if (typeof value === "object") return canonicalJson(value);
  return String(value);
}

/** `sub_123 status: active → canceled`, one line per row. */
export function describeChange(change: RowChange): string {
  switch (change.change) {
    case "missing":
      return `${change.id} missing locally`;
    case "extra":
      return `${change.id} not in Stripe (stored locally)`;
    default:
      return `${change.id} ${change.fields
        .map(
          (field) => `${field.field}: ${formatValue(field.local)} → ${formatValue(field.stripe)}`,
        )
        .join(", ")}`;
  }
}
