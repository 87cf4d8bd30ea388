import { and, desc, eq } from "drizzle-orm";
import type { Db } from "./client.js";
import { auditLog } from "./schema.js";

/** What an audit row records. */
export type AuditAction =
  | "customer.linked"
  | "service_key.created"
  | "service_key.revoked"
  /** A service key's call that changed billing or opened it: the route's own action. */
  | "portal_session.created"
  | "checkout_session.created"
  | "seats.changed"
  | "service_key.used"
  | "sign_in_link.issued"
  | "sign_in_link.used";

/** Where the action came from. */
export type AuditSource = "cli" | "admin_api" | "import" | "embedded" | "service_key";

export interface AuditEntry {
  action: AuditAction;
  source: AuditSource;
  actor?: string | null;
  subject?: string | null;
  livemode?: boolean | null;
  stripeCustomerId?: string | null;
  details?: Record<string, unknown>;
}

export type AuditRow = typeof auditLog.$inferSelect;

export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({ details: {}, ...entry });
}

/** A customer's or a subject's audit rows, newest first. */
export function listAudit(
  db: Db,
  filter: { stripeCustomerId?: string; subject?: string; action?: AuditAction },
): Promise<AuditRow[]> {
  return db
    .select()
    .from(auditLog)
    .where(
      and(
        filter.stripeCustomerId
          ? eq(auditLog.stripeCustomerId, filter.stripeCustomerId)
          : undefined,
        filter.subject ? eq(auditLog.subject, filter.subject) : undefined,
        filter.action ? eq(auditLog.action, filter.action) : undefined,
      ),
    )
    .orderBy(desc(auditLog.createdAt));
}
