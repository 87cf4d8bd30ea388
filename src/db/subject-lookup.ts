import { eq, or, sql } from "drizzle-orm";
import type { Db } from "./client.js";
import { organizations, users } from "./schema.js";

/** Users and organizations found by what an operator or a host app knows them by. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Portico's ids are uuids: anything else cannot be one, and PostgreSQL would refuse the cast. */
export const isPorticoId = (value: string) => UUID.test(value);

const userColumns = {
  id: users.id,
  email: users.email,
  externalEmail: users.externalEmail,
  externalIssuer: users.externalIssuer,
  externalSubject: users.externalSubject,
};

export type UserMatch = {
  id: string;
  email: string | null;
  externalEmail: string | null;
  externalIssuer: string | null;
  externalSubject: string | null;
};

export async function findUserById(db: Db, id: string): Promise<UserMatch | undefined> {
  if (!isPorticoId(id)) return undefined;
  const [row] = await db.select(userColumns).from(users).where(eq(users.id, id)).limit(1);
  return row;
}

/**
 * Users whose email is this one, compared case-insensitively: a password account's email,
 * or the latest email an external identity's token carried. Two or more: ambiguous.
 */
export function findUsersByEmail(db: Db, email: string): Promise<UserMatch[]> {
  const wanted = email.trim().toLowerCase();
  return db
    .select(userColumns)
    .from(users)
    .where(
      or(eq(sql`lower(${users.email})`, wanted), eq(sql`lower(${users.externalEmail})`, wanted)),
    )
    .limit(10);
}

/** Users of an external identity with this subject (JWT `sub`, or the host app's user id). */
export function findUsersByExternalSubject(db: Db, subject: string): Promise<UserMatch[]> {
  return db.select(userColumns).from(users).where(eq(users.externalSubject, subject)).limit(10);
}

/**
 * Users an app's own id may name: Portico's id, or an external identity's subject. The same
 * value naming two users is for the caller to refuse.
 */
export async function findUsersByAppId(db: Db, appId: string): Promise<UserMatch[]> {
  const byId = await findUserById(db, appId);
  const bySubject = await findUsersByExternalSubject(db, appId);
  const all = byId ? [byId, ...bySubject] : bySubject;
  return all.filter((user, index) => all.findIndex((other) => other.id === user.id) === index);
}

export async function findOrganizationById(db: Db, id: string) {
  if (!isPorticoId(id)) return undefined;
  const [row] = await db
    .select({
      id: organizations.id,
      name: organizations.name,
      billingEmail: organizations.billingEmail,
    })
    .from(organizations)
    .where(eq(organizations.id, id))
    .limit(1);
  return row;
}
