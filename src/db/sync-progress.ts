import { eq, sql } from "drizzle-orm";
import type { Db } from "./client.js";
import { syncProgress } from "./schema.js";

/** The phases of `portico sync`, in the order they run. */
export const BACKFILL_PHASES = [
  "customers",
  "subscriptions",
  "invoices",
  "payment_methods",
] as const;
export type BackfillPhase = (typeof BACKFILL_PHASES)[number];

/**
 * The oldest `created` a phase has listed so far, and the ids listed at exactly that second:
 * the next page's range starts there, and those ids must not count as missing from it.
 */
export interface ListBoundary {
  created: number;
  ids: string[];
}

export interface PhaseProgress {
  phase: BackfillPhase;
  cursor: string | null;
  boundary: ListBoundary | null;
  objects: number;
  changed: number;
  completed: boolean;
}

export function emptyProgress(phase: BackfillPhase): PhaseProgress {
  return { phase, cursor: null, boundary: null, objects: 0, changed: 0, completed: false };
}

export async function readSyncProgress(db: Db, livemode: boolean): Promise<PhaseProgress[]> {
  const rows = await db.select().from(syncProgress).where(eq(syncProgress.livemode, livemode));
  return rows.map((row) => ({
    phase: row.phase as BackfillPhase,
    cursor: row.cursor,
    boundary: row.boundary as ListBoundary | null,
    objects: row.objects,
    changed: row.changed,
    completed: row.completedAt !== null,
  }));
}

/** Records a finished page (or phase); written after the page's changes have committed. */
export async function saveSyncProgress(db: Db, livemode: boolean, progress: PhaseProgress) {
  const values = {
    cursor: progress.cursor,
    boundary: progress.boundary,
    objects: progress.objects,
    changed: progress.changed,
    completedAt: progress.completed ? sql`now()` : null,
    updatedAt: sql`now()`,
  };
  await db
    .insert(syncProgress)
    .values({ livemode, phase: progress.phase, ...values })
    .onConflictDoUpdate({ target: [syncProgress.livemode, syncProgress.phase], set: values });
}

export async function clearSyncProgress(db: Db, livemode: boolean) {
  await db.delete(syncProgress).where(eq(syncProgress.livemode, livemode));
}
