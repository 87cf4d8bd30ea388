import { and, count, eq, sql } from "drizzle-orm";
import type { Db } from "./client.js";
import { preparedPerDb } from "./prepared.js";
import { memberships, organizations, users } from "./schema.js";

export type OrganizationRow = typeof organizations.$inferSelect;

/** `memberships.role`, least to most powerful apart from `billing` (see `billing/organizations`). */
export type MembershipRole = "owner" | "admin" | "billing" | "member";

/** A new organization and its first owner, together: an organization never lacks an owner. */
export async function insertOrganization(
  db: Db,
  input: { name: string; billingEmail: string | null; ownerId: string },
): Promise<OrganizationRow> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(organizations)
      .values({ name: input.name, billingEmail: input.billingEmail })
      .returning();
    if (!row) throw new Error("insert returned no organization");
    await tx
      .insert(memberships)
      .values({ organizationId: row.id, userId: input.ownerId, role: "owner" });
    return row;
  });
}

const membershipQuery = preparedPerDb((db) =>
  db
    .select({
      id: organizations.id,
      name: organizations.name,
      billingEmail: organizations.billingEmail,
      role: memberships.role,
    })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(
      and(
        eq(memberships.organizationId, sql.placeholder("organizationId")),
        eq(memberships.userId, sql.placeholder("userId")),
      ),
    )
    .limit(1)
    .prepare("find_membership"),
);

/** The organization as one of its members sees it, with their role; undefined for others. */
export async function findMembership(db: Db, organizationId: string, userId: string) {
  const [row] = await membershipQuery(db).execute({ organizationId, userId });
  return row && { ...row, role: row.role as MembershipRole };
}

/** The organizations a user belongs to, oldest membership first. */
export async function listMemberships(db: Db, userId: string) {
  const rows = await db
    .select({ id: organizations.id, name: organizations.name, role: memberships.role })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(eq(memberships.userId, userId))
    .orderBy(memberships.createdAt);
  return rows.map((row) => ({ ...row, role: row.role as MembershipRole }));
}

/** The organization's members, oldest first, with the email Portico knows for each. */
export async function listMembers(db: Db, organizationId: string) {
  const rows = await db
    .select({
      userId: memberships.userId,
      role: memberships.role,
      email: sql<string | null>`coalesce(${users.email}, ${users.externalEmail})`,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.organizationId, organizationId))
    .orderBy(memberships.createdAt);
  return rows.map((row) => ({ ...row, role: row.role as MembershipRole }));
}

export async function countMembers(db: Db, organizationId: string): Promise<number> {
  const [row] = await db
    .select({ members: count() })
    .from(memberships)
    .where(eq(memberships.organizationId, organizationId));
  return row?.members ?? 0;
}

/** The organization's first owner, with their email: who a service key's session is opened as. */
export async function findOrganizationOwner(db: Db, organizationId: string) {
  const [row] = await db
    .select({ id: users.id, email: users.email, externalEmail: users.externalEmail })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.role, "owner")))
    .orderBy(memberships.createdAt)
    .limit(1);
  return row && { id: row.id, email: row.email ?? row.externalEmail };
}

/** False when the user is a member already (their role is left as it is). */
export async function insertMembership(
  db: Db,
  membership: { organizationId: string; userId: string; role: MembershipRole },
): Promise<boolean> {
  const rows = await db
    .insert(memberships)
    .values(membership)
    .onConflictDoNothing()
    .returning({ userId: memberships.userId });
  return rows.length > 0;
}

const byMember = (organizationId: string, userId: string) =>
  and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId));

/**
 * Changes a role, or removes a member (`role` null), unless that would leave the
 * organization without an owner. The owner count is read under a row lock on the
 * organization, so two owners demoting each other at once cannot both succeed.
 */
export async function changeMembership(
  db: Db,
  change: { organizationId: string; userId: string; role: MembershipRole | null },
): Promise<"changed" | "not_member" | "last_owner"> {
  return db.transaction(async (tx) => {
    await tx
      .select({ id: organizations.id })
      .from(organizations)
      .where(eq(organizations.id, change.organizationId))
      .for("update");
    const [current] = await tx
      .select({ role: memberships.role })
      .from(memberships)
      .where(byMember(change.organizationId, change.userId));
    if (!current) return "not_member";
    if (current.role === "owner" && change.role !== "owner") {
      const [owners] = await tx
        .select({ owners: count() })
        .from(memberships)
        .where(
          and(eq(memberships.organizationId, change.organizationId), eq(memberships.role, "owner")),
        );
      if ((owners?.owners ?? 0) <= 1) return "last_owner";
    }
    if (change.role === null) {
      await tx.delete(memberships).where(byMember(change.organizationId, change.userId));
    } else {
      await tx
        .update(memberships)
        .set({ role: change.role })
        .where(byMember(change.organizationId, change.userId));
    }
    return "changed";
  });
}

const externalOrganizationQuery = preparedPerDb((db) =>
  db
    .select({
      id: organizations.id,
      name: organizations.name,
      billingEmail: organizations.billingEmail,
    })
    .from(organizations)
    .where(
      and(
        eq(organizations.externalIssuer, sql.placeholder("issuer")),
        eq(organizations.externalId, sql.placeholder("externalId")),
      ),
    )
    .limit(1)
    .prepare("find_external_organization"),
);

/**
 * Portico's row for an organization another system owns (the host app, a JWT issuer),
 * created on first sight (race-safe by the unique index). With `details`, its name and
 * billing email are brought up to date; without, a new row is named by its external id
 * until details come. The usual case is one indexed read.
 */
export async function upsertExternalOrganization(
  db: Db,
  input: {
    issuer: string;
    externalId: string;
    details?: { name: string; billingEmail: string | null } | undefined;
  },
) {
  const { issuer, externalId, details } = input;
  const [found] = await externalOrganizationQuery(db).execute({ issuer, externalId });
  const current =
    found &&
    (!details || (found.name === details.name && found.billingEmail === details.billingEmail));
  if (current) return found;
  const [row] = await db
    .insert(organizations)
    .values({
      externalIssuer: issuer,
      externalId,
      name: details?.name ?? externalId,
      billingEmail: details?.billingEmail ?? null,
    })
    .onConflictDoUpdate({
      target: [organizations.externalIssuer, organizations.externalId],
      // Without details, a no-op update: it returns the row another request just made.
      set: details ?? { name: sql`${organizations.name}` },
    })
    .returning({
      id: organizations.id,
      name: organizations.name,
      billingEmail: organizations.billingEmail,
    });
  if (!row) throw new Error("upsert returned no organization");
  return row;
}
