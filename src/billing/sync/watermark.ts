import type { MirroredTable } from "../../db/watermark.js";
import { readWatermark } from "../../db/watermark.js";
import type { SyncCalls } from "../../stripe/sync-calls.js";
import type { SyncContext } from "./sync-context.js";

/** Unix seconds (Stripe's times) to a Date for the database. */
export const fromUnix = (seconds: number | null): Date | null =>
  seconds === null ? null : new Date(seconds * 1000);

export type SyncDecision = "skip" | "refetch" | "payload";

/**
 * Whether an event may change a stored object, and from what. Stripe's `created` has
 * one-second resolution, so an event from the same second as the stored one may be older
 * or newer: only Stripe's current object settles it.
 */
export function decideSync(
  stored: Date | null | undefined,
  eventCreated: number,
  source: SyncContext["source"],
): SyncDecision {
  const fresh = source === "refetch" ? "refetch" : "payload";
  if (stored == null) return fresh;
  const storedSeconds = Math.floor(stored.getTime() / 1000);
  if (storedSeconds > eventCreated) return "skip";
  if (storedSeconds === eventCreated) return "refetch";
  return fresh;
}

/** How one family of Stripe objects is read from Stripe and written locally. */
export interface MirroredObject<S> {
  table: MirroredTable;
  fetch(stripe: SyncCalls, id: string): Promise<S | undefined>;
  /** Writes Stripe's state; `watermark` is null for a pull, which carries no event time. */
  write(ctx: SyncContext, snapshot: S, watermark: Date | null): Promise<void>;
  /** Stripe no longer has the object. */
  remove(ctx: SyncContext, id: string, watermark: Date | null): Promise<void>;
}

export type SyncOutcome = "applied" | "stale";

/**
 * Applies an event to one object, never backwards: an event older than the stored
 * watermark is skipped; otherwise the object is fetched (or, with `SYNC_SOURCE=payload`,
 * taken from the event) and written with the event's time as the new watermark.
 */
export async function syncObject<S>(
  ctx: SyncContext,
  mirrored: MirroredObject<S>,
  id: string,
  event: { created: number; snapshot?: S | undefined },
): Promise<SyncOutcome> {
  const stored = await readWatermark(ctx.tx, mirrored.table, id);
  const decision = decideSync(stored, event.created, event.snapshot ? ctx.source : "refetch");
  if (decision === "skip") return "stale";
  const current =
    decision === "payload" && event.snapshot
      ? event.snapshot
      : await mirrored.fetch(ctx.stripe, id);
  const watermark = fromUnix(event.created);
  if (current === undefined) await mirrored.remove(ctx, id, watermark);
  else await mirrored.write(ctx, current, watermark);
  return "applied";
}
