import { count } from "drizzle-orm";
import type Stripe from "stripe";
import type { Db } from "../../src/db/client.js";
import { stripeEvents } from "../../src/db/schema.js";

/** The only statuses an inbox row may have once everything settled. */
export const SETTLED_STATUSES: readonly string[] = ["processed", "ignored"];

export async function countInboxStatuses(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .select({ status: stripeEvents.status, n: count() })
    .from(stripeEvents)
    .groupBy(stripeEvents.status);
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
}

/**
 * Polls until every inbox row is `processed` or `ignored`, or `timeoutMs` passes; answers
 * the last counts either way, so that the caller's assertion shows what was left.
 */
export async function waitForSettledInbox(
  db: Db,
  timeoutMs: number,
): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const statuses = await countInboxStatuses(db);
    const unsettled = Object.keys(statuses).some((status) => !SETTLED_STATUSES.includes(status));
    if (!unsettled || Date.now() > deadline) return statuses;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function listInboxRows(db: Db) {
  return db
    .select({ id: stripeEvents.id, status: stripeEvents.status, attempts: stripeEvents.attempts })
    .from(stripeEvents);
}

/** Every event of the account's mode, as Stripe lists them (newest first). */
export async function listAccountEventIds(stripe: Stripe): Promise<string[]> {
  const ids: string[] = [];
  for await (const event of stripe.events.list({ limit: 100 })) ids.push(event.id);
  return ids;
}
