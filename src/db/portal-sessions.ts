import { sql } from "drizzle-orm";
import type { Db } from "./client.js";
import { jsonRows } from "./json-rows.js";
import { preparedPerDb } from "./prepared.js";
import { portalSessions } from "./schema.js";

export type PortalSessionAudit = Omit<typeof portalSessions.$inferInsert, "id" | "createdAt">;

// A group commit's batches vary in size: one statement text for any of them.
const audits = jsonRows(portalSessions, { id: sql`gen_random_uuid()`, createdAt: sql`now()` });
const insertAudits = preparedPerDb((db) =>
  db.insert(portalSessions).select(audits.select()).prepare("insert_portal_sessions"),
);

/** One insert for many audit rows (a group commit's batch). */
export async function recordPortalSessions(db: Db, rows: PortalSessionAudit[]) {
  await insertAudits(db).execute({ rows: audits.param(rows) });
}
