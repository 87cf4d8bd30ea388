import { and, desc, eq } from "drizzle-orm";
import type { Db } from "./client.js";
import { auditLog } from "./schema.js";

/** What an audit row records. Linking is the only action so far. */
export type AuditAction = "customer.linked";

/** Where the action came from. */
export type AuditSource = "cli" | "admin_api" | "import" | "embedded";

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
