import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "./client.js";
import { preparedPerDb } from "./prepared.js";
import { sessions, users } from "./schema.js";

export type UserRow = typeof users.$inferSelect;

export async function insertUser(db: Db, email: string, passwordHash: string) {
  const [row] = await db
    .insert(users)
    .values({ email, passwordHash })
    .onConflictDoNothing({ target: users.email })
    .returning();
  return row;
}

export async function findUserByEmail(db: Db, email: string) {
  const [row] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  return row;
}

/**
 * Creates the user on first sight of an external identity; race-safe by the
 * unique key. The token's email is not stored on the unique email column, so an
 * external identity can never collide with, or take over, a password account.
 */
export async function upsertExternalUser(db: Db, externalId: string) {
  const [row] = await db
    .insert(users)
    .values({ externalId, email: null })
    .onConflictDoUpdate({
      target: users.externalId,
      set: { externalId: sql`excluded.external_id` },
    })
    .returning();
  if (!row) throw new Error("upsert returned no row");
  return row;
}

export async function insertSession(db: Db, userId: string, tokenHash: string, expiresAt: Date) {
  await db.insert(sessions).values({ userId, tokenHash, expiresAt });
}

const sessionUserQuery = preparedPerDb((db) =>
  db
    .select({ id: users.id, email: users.email })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.tokenHash, sql.placeholder("tokenHash")),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, sql`now()`),
      ),
    )
    .limit(1)
    .prepare("find_session_user"),
);

/** The live session's user for a token hash, or undefined. One indexed lookup. */
export async function findSessionUser(db: Db, tokenHash: string) {
  const [row] = await sessionUserQuery(db).execute({ tokenHash });
  return row;
}

export async function revokeSession(db: Db, tokenHash: string) {
  await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt)));
}
