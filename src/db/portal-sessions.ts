import { sql } from "drizzle-orm";
import type { Db } from "./client.js";
import { preparedPerDb } from "./prepared.js";
import { portalSessions } from "./schema.js";

export type PortalSessionAudit = Omit<typeof portalSessions.$inferInsert, "id" | "createdAt">;

/**
 * Any number of audit rows as one statement with one parameter (the rows as a JSON array),
 * so its text never changes and it is prepared once: a group commit's batches vary in size.
 */
const insertAudits = preparedPerDb((db) =>
  db
    .insert(portalSessions)
    .select(
      // Every column, in the table's order (Drizzle's insert-select names them all).
      sql`select gen_random_uuid(), row.user_id, row.organization_id, row.livemode,
            row.stripe_session_id, row.stripe_customer_id, row.configuration, row.flow_type,
            row.request_id, now()
          from jsonb_to_recordset(${sql.placeholder("rows")}::jsonb) as row(
            user_id uuid, organization_id uuid, livemode boolean, stripe_session_id text,
            stripe_customer_id text, configuration text, flow_type text, request_id text)`,
    )
    .prepare("insert_portal_sessions"),
);

/** One insert for many audit rows (a group commit's batch). */
export async function recordPortalSessions(db: Db, audits: PortalSessionAudit[]) {
  const rows = audits.map((audit) => ({
    user_id: audit.userId,
    organization_id: audit.organizationId ?? null,
    livemode: audit.livemode,
    stripe_session_id: audit.stripeSessionId,
    stripe_customer_id: audit.stripeCustomerId,
    configuration: audit.configuration ?? null,
    flow_type: audit.flowType ?? null,
    request_id: audit.requestId,
  }));
  await insertAudits(db).execute({ rows: JSON.stringify(rows) });
}
