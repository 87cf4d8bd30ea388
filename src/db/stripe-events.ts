import { and, eq, lt, or, sql } from "drizzle-orm";
import type { Db } from "./client.js";
import { stripeEvents } from "./schema.js";

/** The inbox's statuses; stored as text. */
export type StripeEventStatus = "processing" | "processed" | "ignored" | "failed";

export type StripeEventRow = typeof stripeEvents.$inferSelect;

export interface NewStripeEvent {
  id: string;
  type: string;
  livemode: boolean;
  created: Date;
  payload: Record<string, unknown>;
  /** `processing`: this caller processes it now; `ignored`: a type nobody handles. */
  status: "processing" | "ignored";
}

/**
 * Adds an event to the inbox. Returns false when the id is already there: the
 * primary key decides, so two deliveries racing on two instances insert one row.
 */
export async function insertStripeEvent(db: Db, event: NewStripeEvent): Promise<boolean> {
  const processing = event.status === "processing";
  const rows = await db
    .insert(stripeEvents)
    .values({
      ...event,
      attempts: processing ? 1 : 0,
      claimedAt: processing ? sql`now()` : null,
      processedAt: processing ? null : sql`now()`,
    })
    .onConflictDoNothing({ target: stripeEvents.id })
    .returning({ id: stripeEvents.id });
  return rows.length > 0;
}

/**
 * Takes over an event already in the inbox when it failed before, or when its processing
 * was abandoned (a crash) more than `leaseSeconds` ago. Undefined: someone else has it,
 * or it is done.
 */
export async function claimStripeEvent(
  db: Db,
  id: string,
  leaseSeconds: number,
): Promise<StripeEventRow | undefined> {
  const [row] = await db
    .update(stripeEvents)
    .set({
      status: "processing",
      attempts: sql`${stripeEvents.attempts} + 1`,
      claimedAt: sql`now()`,
    })
    .where(
      and(
        eq(stripeEvents.id, id),
        or(
          eq(stripeEvents.status, "failed"),
          and(
            eq(stripeEvents.status, "processing"),
            lt(stripeEvents.claimedAt, sql`now() - make_interval(secs => ${leaseSeconds})`),
          ),
        ),
      ),
    )
    .returning();
  return row;
}

export async function completeStripeEvent(
  db: Db,
  id: string,
  status: "processed" | "ignored",
): Promise<void> {
  await db
    .update(stripeEvents)
    .set({ status, processedAt: sql`now()`, lastError: null })
    .where(eq(stripeEvents.id, id));
}

export async function failStripeEvent(db: Db, id: string, error: string): Promise<void> {
  await db
    .update(stripeEvents)
    .set({ status: "failed", lastError: error.slice(0, 2000) })
    .where(eq(stripeEvents.id, id));
}

export async function findStripeEvent(db: Db, id: string): Promise<StripeEventRow | undefined> {
  const [row] = await db.select().from(stripeEvents).where(eq(stripeEvents.id, id)).limit(1);
  return row;
}
