import type { AuthUser } from "../auth/accounts.js";
import { type BillingSubject, userSubject } from "../billing/billing-subject.js";
import { organizationNotFound, type SubjectAction } from "../billing/organizations.js";
import type { Db } from "../db/client.js";
import { upsertExternalOrganization } from "../db/organizations.js";
import type { SubjectAccess } from "../http/subject-access.js";
import { HOST_ISSUER, type HostUser } from "./host-identity.js";

/** What the host's `authorize` is asked: may this user `action` this organization's billing? */
export interface AuthorizeInput {
  user: HostUser;
  /** The host app's own organization id, as the request named it. */
  subject: { type: "organization"; id: string };
  /** `view` (subscription, invoices, sync), `manage` (portal, seats), `purchase` (checkout). */
  action: SubjectAction;
  /** The request being served; undefined for `portico.api` calls from the host's code. */
  request: Request | undefined;
}

/** The host's check; anything but `true` answers 404, like an organization that does not exist. */
export type AuthorizeSubject = (input: AuthorizeInput) => boolean | Promise<boolean>;

/** What a new Stripe customer for the organization is created with. */
export interface HostOrganization {
  name: string;
  /** Where Stripe sends the organization's receipts. */
  email?: string | null | undefined;
  /** Members now: a per-seat checkout starts at this many seats. */
  members?: number | undefined;
}

export type DescribeOrganization = (
  id: string,
) => HostOrganization | null | undefined | Promise<HostOrganization | null | undefined>;

/**
 * The embedded access check: the user's own billing, or an organization the host's
 * `authorize` allows. Without `authorize`, no organization is reachable. `describe` is
 * asked only when buying, where Stripe needs a name, an email and a seat count.
 */
export function createHostSubjects(deps: {
  db: Db;
  authorize: AuthorizeSubject | undefined;
  describe: DescribeOrganization | undefined;
}) {
  const { db, authorize, describe } = deps;

  return async function resolve(
    user: AuthUser,
    hostUser: HostUser,
    organizationId: string | undefined,
    action: SubjectAction,
    request: Request | undefined,
  ): Promise<BillingSubject> {
    if (organizationId === undefined) return userSubject(user);
    const usable = organizationId.length > 0 && organizationId.length <= 255;
    if (!authorize || !usable || organizationId.includes("\u0000")) throw organizationNotFound();
    const subject = { type: "organization" as const, id: organizationId };
    if ((await authorize({ user: hostUser, subject, action, request })) !== true)
      throw organizationNotFound();

    const described = action === "purchase" && describe ? await describe(organizationId) : null;
    const row = await upsertExternalOrganization(db, {
      issuer: HOST_ISSUER,
      externalId: organizationId,
      details: described
        ? { name: described.name, billingEmail: described.email?.trim().toLowerCase() || null }
        : undefined,
    });
    return {
      type: "organization",
      id: row.id,
      email: row.billingEmail,
      name: row.name,
      countMembers: async () => described?.members ?? null,
    };
  };
}

export type HostSubjects = ReturnType<typeof createHostSubjects>;

/** The seam for the embedded routes: the host user `identify` returned for this request. */
export function hostSubjectAccess(resolve: HostSubjects): SubjectAccess {
  return (c, organizationId, action) => {
    const user = c.get("user");
    const hostUser = c.get("hostUser") ?? { id: user.id, email: user.email };
    return resolve(user, hostUser, organizationId, action, c.req.raw);
  };
}
