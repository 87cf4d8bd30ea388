import type { Context } from "hono";
import { type BillingSubject, userSubject } from "../billing/billing-subject.js";
import type { OrganizationService, SubjectAction } from "../billing/organizations.js";
import type { AppEnv } from "./context.js";

/**
 * Whose billing a request is about: the signed-in user's own without an `organizationId`,
 * else that organization's, when the user may `action` it. Everything else answers 404
 * NOT_FOUND, exactly like an organization that does not exist. The one seam between the
 * billing routes and authorization: Portico's memberships standalone, the host app's
 * `authorize` embedded.
 */
export type SubjectAccess = (
  c: Context<AppEnv>,
  organizationId: string | undefined,
  action: SubjectAction,
) => Promise<BillingSubject>;

/** The standalone service: Portico's organizations and their members' roles. */
export function membershipAccess(
  organizations: Pick<OrganizationService, "resolveSubject">,
): SubjectAccess {
  return async (c, organizationId, action) => {
    const user = c.get("user");
    if (organizationId === undefined) return userSubject(user);
    return organizations.resolveSubject(user, organizationId, action);
  };
}
