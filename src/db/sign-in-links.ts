import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "./client.js";
import { signInLinks } from "./schema.js";

export async function insertSignInLink(
  db: Db,
  values: {
    tokenHash: string;
    userId: string;
    serviceKeyId: string;
    redirectPath: string;
    expiresAt: Date;
  },
) {
  await db.insert(signInLinks).values(values);
}

/**
 * Uses the link once: one UPDATE marks it used only while it is unused and unexpired, so two
 * concurrent openings cannot both get a session. Undefined for a used, expired or unknown link.
 */
export async function consumeSignInLink(db: Db, tokenHash: string) {
  const [row] = await db
    .update(signInLinks)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(signInLinks.tokenHash, tokenHash),
        isNull(signInLinks.usedAt),
        gt(signInLinks.expiresAt, sql`now()`),
      ),
    )
    .returning({
      userId: signInLinks.userId,
      serviceKeyId: signInLinks.serviceKeyId,
      redirectPath: signInLinks.redirectPath,
    });
  return row;
}
