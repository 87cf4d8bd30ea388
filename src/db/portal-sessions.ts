import { sql } from "drizzle-orm";
import type { Db } from "./client.js";
import { preparedPerDb } from "./prepared.js";
import { portalSessions } from "./schema.js";

export type PortalSessionAudit = typeof portalSessions.$inferInsert;

const insertAudit = preparedPerDb((db) =>
  db
    .insert(portalSessions)
    .values({
      userId: sql.placeholder("userId"),
      organizationId: sql.placeholder("organizationId"),
      livemode: sql.placeholder("livemode"),
      stripeSessionId: sql.placeholder("stripeSessionId"),
      stripeCustomerId: sql.placeholder("stripeCustomerId"),
      configuration: sql.placeholder("configuration"),
      flowType: sql.placeholder("flowType"),
      requestId: sql.placeholder("requestId"),
    })
    .prepare("record_portal_session"),
);

export async function recordPortalSession(db: Db, audit: PortalSessionAudit) {
  await insertAudit(db).execute({
    configuration: null,
    flowType: null,
    organizationId: null,
    ...audit,
  });
}
