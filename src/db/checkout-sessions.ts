import { and, eq, sql } from "drizzle-orm";
import type { Db } from "./client.js";
import { checkoutSessions } from "./schema.js";
import type { Subject } from "./subjects.js";

export type CheckoutSessionRow = typeof checkoutSessions.$inferSelect;

/** The subject a checkout is for: its organization, else who started it. */
export function checkoutSubject(
  row: Pick<CheckoutSessionRow, "userId" | "organizationId">,
): Subject {
  return row.organizationId
    ? { type: "organization", id: row.organizationId }
    : { type: "user", id: row.userId };
}

/**
 * The session's `client_reference_id`: the user's id for their own checkout (as before
 * organizations existed), `organization:<id>` for a team's.
 */
export function checkoutReference(row: Pick<CheckoutSessionRow, "userId" | "organizationId">) {
  return row.organizationId ? `organization:${row.organizationId}` : row.userId;
}

export async function recordCheckoutSession(
  db: Db,
  row: Omit<typeof checkoutSessions.$inferInsert, "status" | "createdAt" | "completedAt">,
) {
  await db.insert(checkoutSessions).values({ ...row, status: "open" });
}

export async function findCheckoutSession(
  db: Db,
  stripeSessionId: string,
): Promise<CheckoutSessionRow | undefined> {
  const [row] = await db
    .select()
    .from(checkoutSessions)
    .where(eq(checkoutSessions.stripeSessionId, stripeSessionId))
    .limit(1);
  return row;
}

export async function completeCheckoutSession(
  db: Db,
  stripeSessionId: string,
  stripeSubscriptionId: string | null,
) {
  await db
    .update(checkoutSessions)
    .set({ status: "complete", stripeSubscriptionId, completedAt: sql`now()` })
    .where(
      and(
        eq(checkoutSessions.stripeSessionId, stripeSessionId),
        eq(checkoutSessions.status, "open"),
      ),
    );
}
