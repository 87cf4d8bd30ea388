import { and, asc, desc, eq, gt, inArray, or, sql } from "drizzle-orm";
import type { Db } from "./client.js";
import { outboxEvents, webhookDeliveries, webhookEndpoints } from "./schema.js";

/** A delivery's statuses; stored as text. In flight is `pending` with a lease ahead. */
export type DeliveryStatus = "pending" | "delivered" | "failed";

export type DeliveryRow = typeof webhookDeliveries.$inferSelect;

/** A delivery taken in hand: what to send where, and the attempt it is (its fence). */
export interface ClaimedDelivery {
  id: string;
  attempts: number;
  eventId: string;
  eventType: string;
  payload: unknown;
  endpointId: string;
  url: string;
  sealedSecret: string;
}

const at = (date: Date) => sql`${date.toISOString()}::timestamptz`;

/**
 * Takes the oldest due delivery (by the outbox's order) whose endpoint is not in `busy`, in
 * one statement: the row is leased until `leaseUntil` and its attempt counted, and another
 * instance skips it meanwhile (`skip locked`, then the lease). Nothing stays locked or open
 * once this answers: the request is made with no connection held.
 */
export async function claimDueDelivery(
  db: Db,
  options: { now: Date; leaseUntil: Date; busyEndpoints: readonly string[] },
): Promise<ClaimedDelivery | undefined> {
  const { now, leaseUntil } = options;
  const busy =
    options.busyEndpoints.length > 0
      ? sql`and d.endpoint_id not in (${sql.join(
          options.busyEndpoints.map((id) => sql`${id}`),
          sql`, `,
        )})`
      : sql``;
  const result = (await db.execute(sql`
    update ${webhookDeliveries} as delivery
    set locked_until = ${at(leaseUntil)}, attempts = delivery.attempts + 1,
        last_attempt_at = ${at(now)}
    from ${outboxEvents} as event, ${webhookEndpoints} as endpoint
    where delivery.id = (
        select d.id from ${webhookDeliveries} as d
        join ${outboxEvents} as e on e.id = d.event_id
        where d.status = 'pending' and d.next_attempt_at <= ${at(now)}
          and (d.locked_until is null or d.locked_until <= ${at(now)}) ${busy}
        order by e.seq
        limit 1
        for update of d skip locked
      )
      and event.id = delivery.event_id and endpoint.id = delivery.endpoint_id
    returning delivery.id, delivery.attempts, event.id as event_id, event.type as event_type,
      event.payload, endpoint.id as endpoint_id, endpoint.url, endpoint.secret`)) as unknown as {
    rows: {
      id: string;
      attempts: number;
      event_id: string;
      event_type: string;
      payload: unknown;
      endpoint_id: string;
      url: string;
      secret: string;
    }[];
  };
  const row = result.rows[0];
  return (
    row && {
      id: row.id,
      attempts: Number(row.attempts),
      eventId: row.event_id,
      eventType: row.event_type,
      payload: typeof row.payload === "string" ? JSON.parse(row.payload) : row.payload,
      endpointId: row.endpoint_id,
      url: row.url,
      sealedSecret: row.secret,
    }
  );
}

/** Only the attempt that claimed the row may record it: a lease taken over meanwhile wins. */
const fenced = (claimed: Pick<ClaimedDelivery, "id" | "attempts">) =>
  and(
    eq(webhookDeliveries.id, claimed.id),
    eq(webhookDeliveries.attempts, claimed.attempts),
    eq(webhookDeliveries.status, "pending"),
  );

/**
 * A 2xx. The endpoint answers again, so its other deliveries waiting out a backoff are due
 * now: a receiver back after an outage gets its backlog at once, oldest first.
 */
export async function recordDelivered(
  db: Db,
  claimed: Pick<ClaimedDelivery, "id" | "attempts" | "endpointId">,
  outcome: { now: Date; responseStatus: number },
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(webhookDeliveries)
      .set({
        status: "delivered",
        deliveredAt: outcome.now,
        lockedUntil: null,
        lastResponseStatus: outcome.responseStatus,
        lastError: null,
      })
      .where(fenced(claimed));
    await tx
      .update(webhookDeliveries)
      .set({ nextAttemptAt: outcome.now })
      .where(
        and(
          eq(webhookDeliveries.endpointId, claimed.endpointId),
          eq(webhookDeliveries.status, "pending"),
          gt(webhookDeliveries.nextAttemptAt, outcome.now),
        ),
      );
  });
}

/** A failed attempt: due again at `retryAt`, or `failed` for good without one. */
export async function recordDeliveryFailure(
  db: Db,
  claimed: Pick<ClaimedDelivery, "id" | "attempts">,
  outcome: { retryAt: Date | undefined; responseStatus: number | null; error: string },
): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({
      status: outcome.retryAt ? "pending" : "failed",
      ...(outcome.retryAt ? { nextAttemptAt: outcome.retryAt } : {}),
      lockedUntil: null,
      lastResponseStatus: outcome.responseStatus,
      lastError: outcome.error.slice(0, 500),
    })
    .where(fenced(claimed));
}

/** A delivery with its event's type, for `portico events deliveries`. */
export type DeliveryListing = DeliveryRow & { eventType: string; url: string };

export function listDeliveries(
  db: Db,
  query: { status?: DeliveryStatus | undefined; eventId?: string | undefined; limit: number },
): Promise<DeliveryListing[]> {
  return db
    .select({
      ...columnsOf(webhookDeliveries),
      eventType: outboxEvents.type,
      url: webhookEndpoints.url,
    })
    .from(webhookDeliveries)
    .innerJoin(outboxEvents, eq(outboxEvents.id, webhookDeliveries.eventId))
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(
      and(
        query.status ? eq(webhookDeliveries.status, query.status) : undefined,
        query.eventId ? eq(webhookDeliveries.eventId, query.eventId) : undefined,
      ),
    )
    .orderBy(desc(outboxEvents.seq), asc(webhookDeliveries.endpointId))
    .limit(query.limit);
}

const columnsOf = (table: typeof webhookDeliveries) => ({
  id: table.id,
  eventId: table.eventId,
  endpointId: table.endpointId,
  status: table.status,
  attempts: table.attempts,
  nextAttemptAt: table.nextAttemptAt,
  lockedUntil: table.lockedUntil,
  lastAttemptAt: table.lastAttemptAt,
  lastResponseStatus: table.lastResponseStatus,
  lastError: table.lastError,
  deliveredAt: table.deliveredAt,
  createdAt: table.createdAt,
});

/**
 * Makes a delivery (`dlv_…`) or every delivery of an event (`evt_…`) due now: failed and
 * waiting ones, and with `delivered` also ones already delivered. One in flight is left to
 * its attempt. Answers the deliveries it made due.
 */
export async function redeliver(
  db: Db,
  id: string,
  options: { now: Date; delivered: boolean },
): Promise<DeliveryRow[]> {
  const statuses: DeliveryStatus[] = options.delivered
    ? ["failed", "pending", "delivered"]
    : ["failed", "pending"];
  return db
    .update(webhookDeliveries)
    .set({ status: "pending", nextAttemptAt: options.now, deliveredAt: null })
    .where(
      and(
        or(eq(webhookDeliveries.id, id), eq(webhookDeliveries.eventId, id)),
        inArray(webhookDeliveries.status, statuses),
        or(
          sql`${webhookDeliveries.lockedUntil} is null`,
          sql`${webhookDeliveries.lockedUntil} <= ${at(options.now)}`,
        ),
      ),
    )
    .returning();
}

/** Deliveries not yet delivered, by status: how many, and the age of the oldest. */
export async function readDeliveryBacklog(
  db: Db,
  now: Date,
): Promise<{ status: "pending" | "failed"; count: number; oldestAgeSeconds: number }[]> {
  const rows = await db
    .select({
      status: webhookDeliveries.status,
      count: sql<number>`count(*)::int`,
      oldestAgeSeconds: sql<number>`extract(epoch from ${at(now)} - min(${webhookDeliveries.createdAt}))::float8`,
    })
    .from(webhookDeliveries)
    .where(inArray(webhookDeliveries.status, ["pending", "failed"]))
    .groupBy(webhookDeliveries.status);
  return rows.map((row) => ({
    status: row.status as "pending" | "failed",
    count: Number(row.count),
    oldestAgeSeconds: Math.max(0, Number(row.oldestAgeSeconds)),
  }));
}
