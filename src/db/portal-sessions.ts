import type { Db } from "./client.js";
import { portalSessions } from "./schema.js";

export type PortalSessionAudit = typeof portalSessions.$inferInsert;

/** One insert for many audit rows (a group commit's batch). */
export async function recordPortalSessions(db: Db, audits: PortalSessionAudit[]) {
  await db.insert(portalSessions).values(audits);
}
