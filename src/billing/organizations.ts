import type { Logger } from "pino";
import type { AuthUser } from "../auth/accounts.js";
import type { Db } from "../db/client.js";
import {
  changeMembership,
  countMembers,
  findMembership,
  insertMembership,
  insertOrganization,
  listMembers,
  listMemberships,
  type MembershipRole,
  upsertExternalOrganization,
} from "../db/organizations.js";
import { findUserByEmail } from "../db/users.js";
import { PorticoError } from "../errors.js";
import type { BillingSubject } from "./billing-subject.js";

/** What a billing call does to its subject: read it, open its portal, or buy for it. */
export type SubjectAction = "view" | "manage" | "purchase";

export const MEMBERSHIP_ROLES = ["owner", "admin", "billing", "member"] as const;

/** Every member sees the organization's billing; only these roles change it. */
const ROLES_FOR: Record<SubjectAction, readonly MembershipRole[]> = {
  view: MEMBERSHIP_ROLES,
  manage: ["owner", "admin", "billing"],
  purchase: ["owner", "admin", "billing"],
};

/** Who may add, remove and re-role members. `billing` handles money, not people. */
const MEMBER_MANAGERS: readonly MembershipRole[] = ["owner", "admin"];

export const mayActOn = (role: MembershipRole, action: SubjectAction) =>
  ROLES_FOR[action].includes(role);

/**
 * One answer for "no such organization", "not a member" and "a member without the role":
 * an organization id can't be probed, and a member can't tell which check refused them.
 */
export const organizationNotFound = () => new PorticoError("NOT_FOUND", "Organization not found");

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Portico's own organizations (the standalone service): members, roles, and the access
 * check that turns an `organizationId` in a request into a billing subject. A change of
 * membership is reported to `onMembersChanged` after it is committed (per-seat plans
 * follow the member count).
 */
export function createOrganizationService(deps: {
  db: Db;
  logger: Pick<Logger, "warn">;
  onMembersChanged?: (organizationId: string, members: number) => Promise<void>;
}) {
  const { db, logger } = deps;

  async function membershipOf(userId: string, organizationId: string) {
    if (!UUID.test(organizationId)) return undefined;
    return findMembership(db, organizationId.toLowerCase(), userId);
  }

  /**
   * The organization a host JWT acts in, taken as the token says (the identity provider
   * owns its members): known to Portico by the issuer and the provider's org id.
   */
  async function tokenSubject(
    organization: NonNullable<AuthUser["tokenOrganization"]>,
    action: SubjectAction,
  ): Promise<BillingSubject> {
    if (!mayActOn(organization.role, action)) throw organizationNotFound();
    const row = await upsertExternalOrganization(db, {
      issuer: organization.issuer,
      externalId: organization.id,
      // The provider has no billing email to give; a name it may.
      details: organization.name ? { name: organization.name, billingEmail: null } : undefined,
    });
    return { type: "organization", id: row.id, email: row.billingEmail, name: row.name };
  }

  /**
   * The organization as a billing subject, for a member whose role allows `action`: the
   * one the caller's JWT names (`org_id`), or one of Portico's by its id.
   */
  async function resolveSubject(
    user: Pick<AuthUser, "id" | "tokenOrganization">,
    organizationId: string,
    action: SubjectAction,
  ): Promise<BillingSubject> {
    if (user.tokenOrganization?.id === organizationId)
      return tokenSubject(user.tokenOrganization, action);
    const membership = await membershipOf(user.id, organizationId);
    if (!membership || !mayActOn(membership.role, action)) throw organizationNotFound();
    return {
      type: "organization",
      id: membership.id,
      email: membership.billingEmail,
      name: membership.name,
      countMembers: () => countMembers(db, membership.id),
    };
  }

  async function createOrganization(
    actor: { id: string; email: string | null },
    input: { name: string; billingEmail?: string | undefined },
  ) {
    const row = await insertOrganization(db, {
      name: input.name,
      billingEmail: input.billingEmail?.toLowerCase() ?? actor.email,
      ownerId: actor.id,
    });
    return { id: row.id, name: row.name, billingEmail: row.billingEmail, role: "owner" as const };
  }

  async function listOrganizations(actor: { id: string }) {
    return { organizations: await listMemberships(db, actor.id) };
  }

  async function members(actor: { id: string }, organizationId: string) {
    const membership = await membershipOf(actor.id, organizationId);
    if (!membership) throw organizationNotFound();
    return { members: await listMembers(db, membership.id) };
  }

  /** The organization, for a member who may manage members (404 otherwise, as for others). */
  async function managed(actor: { id: string }, organizationId: string) {
    const membership = await membershipOf(actor.id, organizationId);
    if (!membership) throw organizationNotFound();
    if (!MEMBER_MANAGERS.includes(membership.role)) {
      throw new PorticoError("FORBIDDEN", "Only owners and admins manage members");
    }
    return membership;
  }

  /** Only an owner makes or unmakes owners. */
  function checkOwnerChange(actorRole: MembershipRole, roles: (MembershipRole | null)[]) {
    if (actorRole !== "owner" && roles.includes("owner")) {
      throw new PorticoError("FORBIDDEN", "Only owners add, remove or change owners");
    }
  }

  async function membersChanged(organizationId: string) {
    if (!deps.onMembersChanged) return;
    try {
      await deps.onMembersChanged(organizationId, await countMembers(db, organizationId));
    } catch (error) {
      // The membership is committed; the seats catch up at the next change or a manual one.
      logger.warn({ err: error, organization: organizationId }, "could not update seats");
    }
  }

  async function addMember(
    actor: { id: string },
    organizationId: string,
    input: { email: string; role: MembershipRole },
  ) {
    const organization = await managed(actor, organizationId);
    checkOwnerChange(organization.role, [input.role]);
    const user = await findUserByEmail(db, input.email.trim().toLowerCase());
    if (!user) {
      throw new PorticoError(
        "NOT_FOUND",
        "No account uses that email; ask them to sign up, then add them",
      );
    }
    const added = await insertMembership(db, {
      organizationId: organization.id,
      userId: user.id,
      role: input.role,
    });
    if (!added) throw new PorticoError("CONFLICT", "That user is a member already");
    await membersChanged(organization.id);
    return { userId: user.id, email: user.email, role: input.role };
  }

  async function changeMember(
    actor: { id: string },
    organizationId: string,
    userId: string,
    role: MembershipRole | null,
  ) {
    // Leaving needs no manager: any member may remove themselves.
    const leaving = role === null && userId === actor.id;
    const organization = leaving
      ? await membershipOf(actor.id, organizationId)
      : await managed(actor, organizationId);
    if (!organization) throw organizationNotFound();
    if (!UUID.test(userId)) throw new PorticoError("NOT_FOUND", "Member not found");
    const current = await findMembership(db, organization.id, userId.toLowerCase());
    if (!current) throw new PorticoError("NOT_FOUND", "Member not found");
    if (!leaving) checkOwnerChange(organization.role, [current.role, role]);
    const result = await changeMembership(db, {
      organizationId: organization.id,
      userId: userId.toLowerCase(),
      role,
    });
    if (result === "not_member") throw new PorticoError("NOT_FOUND", "Member not found");
    if (result === "last_owner") {
      throw new PorticoError(
        "CONFLICT",
        "An organization needs an owner; make someone else owner first",
      );
    }
    if (role === null) await membersChanged(organization.id);
  }

  return {
    resolveSubject,
    createOrganization,
    listOrganizations,
    members,
    addMember,
    changeRole: (
      actor: { id: string },
      organizationId: string,
      userId: string,
      role: MembershipRole,
    ) => changeMember(actor, organizationId, userId, role),
    removeMember: (actor: { id: string }, organizationId: string, userId: string) =>
      changeMember(actor, organizationId, userId, null),
  };
}

export type OrganizationService = ReturnType<typeof createOrganizationService>;
