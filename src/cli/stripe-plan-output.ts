import type { CatalogChange, ChangeAction, FieldChange } from "../billing/catalog-plan.js";

/**
 * How `portico stripe plan` and `apply` print a plan: Terraform-like text
 * (coloured only on a terminal that wants colour) or JSON for CI.
 */

const SYMBOLS: Record<ChangeAction, string> = {
  create: "+",
  update: "~",
  replace: "-/+",
  archive: "-",
};

const COLORS: Record<ChangeAction | "note" | "dim", number> = {
  create: 32,
  update: 33,
  replace: 35,
  archive: 31,
  note: 36,
  dim: 2,
};

export interface PlanSummary {
  create: number;
  update: number;
  replace: number;
  archive: number;
}

export function summarizeChanges(changes: CatalogChange[]): PlanSummary {
  const summary: PlanSummary = { create: 0, update: 0, replace: 0, archive: 0 };
  for (const change of changes) summary[change.action] += 1;
  return summary;
}

export function renderPlanText(
  changes: CatalogChange[],
  options: { mode: string; file: string; color: boolean },
): string {
  const paint = (code: keyof typeof COLORS, text: string) =>
    options.color ? `\u001b[${COLORS[code]}m${text}\u001b[0m` : text;
  if (changes.length === 0)
    return `No changes. Stripe ${options.mode} mode matches ${options.file}.\n`;

  const lines = [`Stripe ${options.mode} mode, to match ${options.file}:`, ""];
  for (const change of changes) {
    const symbol = paint(change.action, SYMBOLS[change.action].padStart(3));
    const id = change.id ? paint("dim", ` (${change.id})`) : "";
    const what = change.action === "archive" ? " will be archived" : "";
    lines.push(`${symbol} ${change.kind.replace("_", " ")} ${change.key}${id}${what}`);
    if (change.action !== "archive") {
      for (const field of visibleFields(change)) lines.push(`      ${renderField(field, paint)}`);
    }
    for (const note of change.notes) lines.push(`      ${paint("note", `! ${note}`)}`);
  }
  const s = summarizeChanges(changes);
  lines.push(
    "",
    `Plan: ${s.create} to create, ${s.update} to update, ${s.replace} to replace, ${s.archive} to archive.`,
  );
  return `${lines.join("\n")}\n`;
}

export function renderPlanJson(
  changes: CatalogChange[],
  extra: { mode: string; applied?: boolean } & ({ file: string } | { project: string }),
): string {
  const body = {
    mode: extra.mode,
    ...("project" in extra ? { project: extra.project } : { file: extra.file }),
    ...(extra.applied !== undefined ? { applied: extra.applied } : {}),
    hasChanges: changes.length > 0,
    summary: summarizeChanges(changes),
    changes,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/** A created object lists what it sets; defaults (off, empty, none) would only be noise. */
function visibleFields(change: CatalogChange): FieldChange[] {
  if (change.action !== "create") return change.fields;
  return change.fields.filter(
    (field) =>
      field.after !== null &&
      field.after !== false &&
      !(Array.isArray(field.after) && field.after.length === 0),
  );
}

function renderField(field: FieldChange, paint: (code: "create" | "update", t: string) => string) {
  if (!("before" in field)) return `${paint("create", "+")} ${field.path}: ${show(field.after)}`;
  return `${paint("update", "~")} ${field.path}: ${show(field.before)} → ${show(field.after)}`;
}

function show(value: unknown): string {
  if (value === undefined) return "(none)";
  if (Array.isArray(value)) return `[${value.map(show).join(", ")}]`;
  if (value && typeof value === "object")
    return `{ ${Object.entries(value)
      .map(([key, child]) => `${key}: ${show(child)}`)
      .join(", ")} }`;
  return JSON.stringify(value);
}
