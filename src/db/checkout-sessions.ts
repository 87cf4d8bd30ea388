import { and, eq, sql } from "drizzle-orm";
import type { Db } from "./client.js";
import { checkoutSessions } from "./schema.js";

export type CheckoutSessionRow = typeof checkoutSessions.$inferSelect;

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
