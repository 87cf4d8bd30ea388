import { type SQL, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Db } from "./client.js";
import {
  auditLog,
  outboxEvents,
  portalSessions,
  rateLimits,
  sessions,
  signInLinks,
  stripeEvents,
  webhookDeliveries,
} from "./schema.js";

/** How long rows that are done with are kept. */
export interface RetentionPolicy {
  /** Stripe events applied or ignored; failed ones stay until replayed. */
  stripeEventsDays: number;
  /** Outgoing webhook events with no delivery pending, and their deliveries. */
  outboxDays: number;
  /** Portal-session and audit rows; 0 keeps them for good. */
  auditDays: number;
  /** The longest rate-limit window: a counter older than that counts nothing. */
  rateLimitWindowSeconds: number;
}

/** One kind of row that may go: its table and the condition that says so. */
export interface RetentionRule {
  name: string;
  table: PgTable;
  expired: SQL;
}

/** A day after it expired or was revoked, a session or sign-in link is only clutter. */
const GRACE = sql`interval '1 day'`;
const daysAgo = (days: number) => sql`now() - make_interval(days => ${days}::int)`;

/** The rules a policy sets, in the order a pass runs them. */
export function retentionRules(policy: RetentionPolicy): RetentionRule[] {
  const rules: RetentionRule[] = [
    {
      name: "stripe_events",
      table: stripeEvents,
      // On the status index. Stripe stops redelivering an event after 3 days.
      expired: sql`${stripeEvents.status} in ('processed', 'ignored')
        and ${stripeEvents.receivedAt} < ${daysAgo(policy.stripeEventsDays)}`,
    },
    {
      name: "outbox_events",
      table: outboxEvents,
      // Its delivered and failed deliveries go with it (on delete cascade).
      expired: sql`${outboxEvents.created} < ${daysAgo(policy.outboxDays)}
        and not exists (select 1 from ${webhookDeliveries}
          where ${webhookDeliveries.eventId} = ${outboxEvents.id}
            and ${webhookDeliveries.status} = 'pending')`,
    },
    {
      name: "sessions",
      table: sessions,
      expired: sql`${sessions.expiresAt} < now() - ${GRACE}
        or ${sessions.revokedAt} < now() - ${GRACE}`,
    },
    {
      name: "sign_in_links",
      table: signInLinks,
      expired: sql`${signInLinks.expiresAt} < now() - ${GRACE}`,
    },
    {
      name: "rate_limits",
      table: rateLimits,
      expired: sql`${rateLimits.windowStart} <
        now() - make_interval(secs => ${policy.rateLimitWindowSeconds}::int) - ${GRACE}`,
    },
  ];
  if (policy.auditDays > 0) {
    rules.push(
      {
        name: "portal_sessions",
        table: portalSessions,
        expired: sql`${portalSessions.createdAt} < ${daysAgo(policy.auditDays)}`,
      },
      {
        name: "audit_log",
        table: auditLog,
        expired: sql`${auditLog.createdAt} < ${daysAgo(policy.auditDays)}`,
      },
    );
  }
  return rules;
}

/**
 * Deletes up to `limit` of the rule's rows, in a statement of its own: a short transaction
 * whose locks are only the rows it deletes. Answers how many it deleted.
 */
export async function pruneBatch(db: Db, rule: RetentionRule, limit: number): Promise<number> {
  const result = await db.execute(sql`delete from ${rule.table} where ctid = any(array(
    select ctid from ${rule.table} where ${rule.expired} limit ${limit}))`);
  return (result as unknown as { rowCount: number | null }).rowCount ?? 0;
}
