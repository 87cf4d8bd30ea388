import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "./client.js";
import {
  notifiedBillingStates,
  outboxEvents,
  webhookDeliveries,
  webhookEndpoints,
} from "./schema.js";

export type OutboxEventRow = typeof outboxEvents.$inferSelect;
export type NewOutboxEvent = Omit<OutboxEventRow, "seq">;

/** What apps were last told of a subject in one mode. */
export interface NotifiedState {
  subscription: unknown;
  version: number;
}

/**
 * The subject's last told state, read under a lock on the subject (until the caller's
 * transaction ends): two customers of one subject (an old one found deleted, a new one)
 * dispatched at once on two instances then compare one after the other, never both with
 * the same old state.
 */
export async function lockNotifiedState(
  tx: Db,
  subject: string,
  livemode: boolean,
): Promise<NotifiedState | undefined> {
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtext(${`outbox:${livemode ? "live" : "test"}:${subject}`}))`,
  );
  const [row] = await tx
    .select({
      subscription: notifiedBillingStates.subscription,
      version: notifiedBillingStates.version,
    })
    .from(notifiedBillingStates)
    .where(
      and(eq(notifiedBillingStates.subject, subject), eq(notifiedBillingStates.livemode, livemode)),
    );
  return row;
}

export async function saveNotifiedState(
  tx: Db,
  state: NotifiedState & { subject: string; livemode: boolean },
): Promise<void> {
  await tx
    .insert(notifiedBillingStates)
    .values(state)
    .onConflictDoUpdate({
      target: [notifiedBillingStates.subject, notifiedBillingStates.livemode],
      set: { subscription: state.subscription, version: state.version, updatedAt: sql`now()` },
    });
}

/**
 * Writes events to the outbox with one pending delivery per endpoint that takes their type,
 * due at `now`. Endpoints added later do not get earlier events. Answers the deliveries made.
 */
export async function insertOutboxEvents(
  tx: Db,
  events: readonly NewOutboxEvent[],
  now: Date,
): Promise<number> {
  if (events.length === 0) return 0;
  await tx.insert(outboxEvents).values([...events]);
  const ids = sql.join(
    events.map((event) => sql`${event.id}`),
    sql`, `,
  );
  const result = (await tx.execute(sql`
    insert into ${webhookDeliveries} (id, event_id, endpoint_id, next_attempt_at)
    select 'dlv_' || replace(gen_random_uuid()::text, '-', ''), event.id, endpoint.id, ${now.toISOString()}::timestamptz
    from ${outboxEvents} as event
    join ${webhookEndpoints} as endpoint
      on '*' = any(endpoint.events) or event.type = any(endpoint.events)
    where event.id in (${ids})
    returning id`)) as unknown as { rows: unknown[] };
  return result.rows.length;
}

export async function findOutboxEvent(db: Db, id: string): Promise<OutboxEventRow | undefined> {
  const [row] = await db.select().from(outboxEvents).where(eq(outboxEvents.id, id));
  return row;
}

/** The outbox newest first, optionally one subject's or these ids. */
export function listOutboxEvents(
  db: Db,
  query: { subject?: string | undefined; ids?: string[]; limit: number },
): Promise<OutboxEventRow[]> {
  return db
    .select()
    .from(outboxEvents)
    .where(
      and(
        query.subject ? eq(outboxEvents.subject, query.subject) : undefined,
        query.ids ? inArray(outboxEvents.id, query.ids) : undefined,
      ),
    )
    .orderBy(desc(outboxEvents.seq))
    .limit(query.limit);
}
