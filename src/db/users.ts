import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "./client.js";
import { preparedPerDb } from "./prepared.js";
import { sessions, users } from "./schema.js";
import { SESSION_REVOKED_CHANNEL } from "./session-revocations.js";

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

export interface ExternalUserInput {
  issuer: string;
  subject: string;
  /** The token's usable email, if any; without one the stored email is kept. */
  email: string | undefined;
}

const externalUserColumns = {
  id: users.id,
  email: users.email,
  externalEmail: users.externalEmail,
};

const externalUserQuery = preparedPerDb((db) =>
  db
    .select(externalUserColumns)
    .from(users)
    .where(
      and(
        eq(users.externalIssuer, sql.placeholder("issuer")),
        eq(users.externalSubject, sql.placeholder("subject")),
      ),
    )
    .limit(1)
    .prepare("find_external_user"),
);

/**
 * The user of an external identity, created on first sight (race-safe by the unique
 * index on issuer and subject), with the token's email stored when it changed. Every
 * request carries the token, so the usual case is one indexed read and no write.
 */
export async function upsertExternalUser(db: Db, identity: ExternalUserInput) {
  const { issuer, subject, email } = identity;
  const [found] = await externalUserQuery(db).execute({ issuer, subject });
  if (found && (email === undefined || found.externalEmail === email)) return found;
  const [row] = await db
    .insert(users)
    .values({ externalIssuer: issuer, externalSubject: subject, externalEmail: email ?? null })
    .onConflictDoUpdate({
      target: [users.externalIssuer, users.externalSubject],
      set: { externalEmail: sql`coalesce(excluded.external_email, ${users.externalEmail})` },
    })
    .returning(externalUserColumns);
  if (!row) throw new Error("upsert returned no row");
  return row;
}

export async function insertSession(db: Db, userId: string, tokenHash: string, expiresAt: Date) {
  await db.insert(sessions).values({ userId, tokenHash, expiresAt });
}

const sessionUserQuery = preparedPerDb((db) =>
  db
    .select({ id: users.id, email: users.email, expiresAt: sessions.expiresAt })
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

/**
 * Revokes the session and, in the same statement, announces it on `SESSION_REVOKED_CHANNEL`:
 * every instance's session cache hears of it when the revocation commits.
 */
export async function revokeSession(db: Db, tokenHash: string) {
  await db.execute(sql`
    with revoked as (
      update ${sessions} set revoked_at = now()
      where token_hash = ${tokenHash} and revoked_at is null
      returning token_hash)
    select pg_notify(${SESSION_REVOKED_CHANNEL}, token_hash) from revoked`);
}
