import { and, asc, eq, isNull, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { projects } from "../db/schema.js";

/** The `projects` table's queries. A deleted project is found only when asked for. */

export type ProjectRow = typeof projects.$inferSelect;

export const SEALED_FIELDS = [
  "testSecretKey",
  "liveSecretKey",
  "testWebhookSecrets",
  "liveWebhookSecrets",
  "jwtSecret",
] as const;
export type SealedField = (typeof SEALED_FIELDS)[number];
export type SealedValues = Record<SealedField, string | null>;

/** What a sealed field is bound to: its column's name, which outlives a renamed property. */
export const columnOf = (field: SealedField) => projects[field].name;

export type ProjectPatch = Partial<
  Omit<ProjectRow, "id" | "createdAt" | "updatedAt" | "deletedAt">
>;

const live = (id: string) => and(eq(projects.id, id), isNull(projects.deletedAt));

/** The new row, or undefined when the id is taken (by a deleted project too). */
export async function insertProject(db: Db, input: { id: string; name: string }) {
  const [row] = await db.insert(projects).values(input).onConflictDoNothing().returning();
  return row;
}

export async function findProject(db: Db, id: string, options: { includeDeleted?: boolean } = {}) {
  const [row] = await db
    .select()
    .from(projects)
    .where(options.includeDeleted ? eq(projects.id, id) : live(id));
  return row;
}

export function listProjects(db: Db, options: { includeDeleted?: boolean } = {}) {
  return db
    .select()
    .from(projects)
    .where(options.includeDeleted ? undefined : isNull(projects.deletedAt))
    .orderBy(asc(projects.id));
}

/** Every origin a live project's return URLs may point at. */
export async function listReturnOrigins(db: Db): Promise<string[]> {
  const rows = await db
    .select({ origins: projects.returnOrigins })
    .from(projects)
    .where(isNull(projects.deletedAt));
  return [...new Set(rows.flatMap((row) => row.origins))];
}

/** The updated row, or undefined when no live project has the id. */
export async function updateProject(db: Db, id: string, patch: ProjectPatch) {
  const [row] = await db
    .update(projects)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(live(id))
    .returning();
  return row;
}

export async function softDeleteProject(db: Db, id: string): Promise<boolean> {
  const rows = await db
    .update(projects)
    .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
    .where(live(id))
    .returning({ id: projects.id });
  return rows.length > 0;
}

export async function purgeProject(db: Db, id: string): Promise<boolean> {
  const rows = await db.delete(projects).where(eq(projects.id, id)).returning({ id: projects.id });
  return rows.length > 0;
}

const sealedColumns = {
  id: projects.id,
  ...Object.fromEntries(SEALED_FIELDS.map((field) => [field, projects[field]])),
} as { id: typeof projects.id } & { [F in SealedField]: (typeof projects)[F] };

/** Every project's sealed values, deleted ones included: their secrets are kept until a purge. */
export function listSealedValues(db: Db): Promise<({ id: string } & SealedValues)[]> {
  return db.select(sealedColumns).from(projects).orderBy(asc(projects.id));
}

export async function findSealedValues(db: Db, id: string) {
  const [row] = await db.select(sealedColumns).from(projects).where(eq(projects.id, id));
  return row;
}

/**
 * Writes `next` only if every sealed value is still `expected`: a compare-and-swap, so that
 * a re-seal never overwrites a secret set after it was read. One statement, so it is atomic
 * without holding a transaction open while anything else runs. False: the row changed (or
 * is gone); read it again.
 */
export async function replaceSealedValues(
  db: Db,
  id: string,
  expected: SealedValues,
  next: Partial<SealedValues>,
): Promise<boolean> {
  const unchanged: SQL[] = SEALED_FIELDS.map((field) => {
    const value = expected[field];
    return value === null ? isNull(projects[field]) : eq(projects[field], value);
  });
  const rows = await db
    .update(projects)
    .set(next)
    .where(and(eq(projects.id, id), ...unchanged))
    .returning({ id: projects.id });
  return rows.length > 0;
}
