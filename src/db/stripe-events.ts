import { and, asc, desc, eq, inArray, lt, or, sql } from "drizzle-orm";
import type { InboxBacklog } from "../metrics.js";
import type { Db } from "./client.js";
import { stripeEvents } from "./schema.js";
import { textArray } from "./text-array.js";

/** The inbox's statuses; stored as text. */
export type StripeEventStatus = "processing" | "processed" | "ignored" | "failed";

export type StripeEventRow = typeof stripeEvents.$inferSelect;

export interface NewStripeEvent {
  id: string;
  type: string;
  livemode: boolean;
  created: Date;
  payload: Record<string, unknown>;
  /**
   * `payload`'s JSON text, when the caller has it (a webhook's body): stored as it is,
   * instead of serialising `payload` again.
   */
  payloadJson?: string | undefined;
  /**
   * `processing`: this caller processes it now; `processed`: it is applied in the same
   * transaction; `ignored`: a type nobody handles.
   */
  status: "processing" | "processed" | "ignored";
}

/** One event as an element of the batch's JSON array; the payload goes in as its text. */
function eventJson(event: NewStripeEvent): string {
  const { payload, payloadJson, ...columns } = event;
  const head = JSON.stringify({ ...columns, created: columns.created.toISOString() });
  return `${head.slice(0, -1)},"payload":${payloadJson ?? JSON.stringify(payload)}}`;
}

/**
 * Adds events to the inbox in one statement (one commit for a whole group of deliveries).
 * Answers the ids it inserted: an id already there is left alone, because the primary key
 * decides, so two deliveries racing on two instances insert one row.
 *
 * The group goes as one JSON array: the statement's text is the same for any group, and
 * each payload is sent as the text it arrived as.
 */
export async function insertStripeEvents(
  db: Db,
  events: readonly NewStripeEvent[],
): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const batch = `[${events.map(eventJson).join(",")}]`;
  const result = (await db.execute(sql`insert into ${stripeEvents}
      (id, type, livemode, created, status, attempts, claimed_at, processed_at, payload)
    select id, type, livemode, created, status,
      case when status = 'ignored' then 0 else 1 end,
      case when status = 'ignored' then null else now() end,
      case when status = 'processing' then null else now() end,
      payload
    from jsonb_to_recordset(${batch}::jsonb)
      as event (id text, type text, livemode boolean, created timestamptz, status text, payload jsonb)
    on conflict (id) do nothing
    returning id`)) as unknown as { rows: { id: string }[] };
  return new Set(result.rows.map((row) => row.id));
}

/** What finishing an event in hand writes. */
const finished = (status: "processed" | "ignored") => ({
  status,
  processedAt: sql`now()`,
  lastError: null,
});

/** Marks stored `processing` events applied in this transaction; answers those it marked. */
export async function takeStoredEvents(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .update(stripeEvents)
    .set(finished("processed"))
    .where(
      and(sql`${stripeEvents.id} = any(${textArray(ids)})`, eq(stripeEvents.status, "processing")),
    )
    .returning({ id: stripeEvents.id });
  return new Set(rows.map((row) => row.id));
}

/** What taking an event in hand writes: one more attempt, starting now. */
const claimed = () => ({
  status: "processing",
  attempts: sql`${stripeEvents.attempts} + 1`,
  claimedAt: sql`now()`,
});

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
    .set(claimed())
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
  await db.update(stripeEvents).set(finished(status)).where(eq(stripeEvents.id, id));
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

/** Events not yet applied, by status: how many and the age of the oldest (for metrics). */
export async function readInboxBacklog(db: Db): Promise<InboxBacklog[]> {
  const rows = await db
    .select({
      status: stripeEvents.status,
      count: sql<number>`count(*)::int`,
      oldestAgeSeconds: sql<number>`extract(epoch from now() - min(${stripeEvents.receivedAt}))::float8`,
    })
    .from(stripeEvents)
    .where(inArray(stripeEvents.status, ["processing", "failed"]))
    .groupBy(stripeEvents.status);
  return rows as InboxBacklog[];
}

/**
 * Failed events whose backoff is over (`backoffSeconds × 2^(attempts-1)` after the last
 * attempt started, at most an hour), and `processing` ones abandoned for over a lease;
 * oldest first. Events that used up `maxAttempts` wait for `portico events replay`.
 */
export async function listRetryableStripeEvents(
  db: Db,
  options: { limit: number; backoffSeconds: number; maxAttempts: number; leaseSeconds: number },
): Promise<string[]> {
  const { backoffSeconds, leaseSeconds } = options;
  const backoff = sql`least(3600, ${backoffSeconds}::float8 * power(2, greatest(${stripeEvents.attempts} - 1, 0)))`;
  const rows = await db
    .select({ id: stripeEvents.id })
    .from(stripeEvents)
    .where(
      or(
        and(
          eq(stripeEvents.status, "failed"),
          lt(stripeEvents.attempts, options.maxAttempts),
          lt(stripeEvents.claimedAt, sql`now() - make_interval(secs => ${backoff})`),
        ),
        and(
          eq(stripeEvents.status, "processing"),
          lt(stripeEvents.claimedAt, sql`now() - make_interval(secs => ${leaseSeconds})`),
        ),
      ),
    )
    .orderBy(stripeEvents.receivedAt)
    .limit(options.limit);
  return rows.map((row) => row.id);
}

/** The inbox newest first, for `portico events list`. */
export function listStripeEvents(
  db: Db,
  query: { status?: StripeEventStatus | undefined; limit: number },
): Promise<StripeEventRow[]> {
  return db
    .select()
    .from(stripeEvents)
    .where(query.status ? eq(stripeEvents.status, query.status) : undefined)
    .orderBy(desc(stripeEvents.receivedAt), desc(stripeEvents.id))
    .limit(query.limit);
}

/** Every failed event, oldest first (by Stripe's `created`): the order a replay applies them. */
export async function listFailedStripeEventIds(db: Db): Promise<string[]> {
  const rows = await db
    .select({ id: stripeEvents.id })
    .from(stripeEvents)
    .where(eq(stripeEvents.status, "failed"))
    .orderBy(asc(stripeEvents.created), asc(stripeEvents.receivedAt), asc(stripeEvents.id));
  return rows.map((row) => row.id);
}

/**
 * Takes a finished event (`processed`, or `ignored`) back into `processing` to apply it
 * again, as `claimStripeEvent` does for a failed one. Undefined when it is not finished:
 * failed, or in hand elsewhere.
 */
export async function claimFinishedStripeEvent(
  db: Db,
  id: string,
): Promise<StripeEventRow | undefined> {
  const [row] = await db
    .update(stripeEvents)
    .set(claimed())
    .where(and(eq(stripeEvents.id, id), inArray(stripeEvents.status, ["processed", "ignored"])))
    .returning();
  return row;
}
