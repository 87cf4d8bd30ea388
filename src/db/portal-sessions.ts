import type { Db } from "./client.js";
import { portalSessions } from "./schema.js";

export type PortalSessionAudit = typeof portalSessions.$inferInsert;

export async function recordPortalSession(db: Db, audit: PortalSessionAudit) {
  await db.insert(portalSessions).values(audit);
}
