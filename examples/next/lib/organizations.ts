import { userForEmail } from "./session";

/**
 * The example's organizations, standing in for your app's own (a table, or your auth
 * provider's: Clerk or Better Auth organizations, WorkOS…). Members are named by email,
 * since the example's sign-in derives a user's id from their email. Portico never reads
 * this: it asks `authorize` and `describeOrganization` in lib/portico.ts.
 */

export type Role = "owner" | "admin" | "billing" | "member";

export interface Organization {
  id: string;
  name: string;
  billingEmail: string;
  members: Record<string, Role>;
}

const ORGANIZATIONS: Organization[] = [
  {
    id: "acme",
    name: "Acme Inc.",
    billingEmail: "billing@acme.test",
    members: {
      "owner@acme.test": "owner",
      "billing@acme.test": "billing",
      "dev@acme.test": "member",
    },
  },
];

export const findOrganization = (id: string) => ORGANIZATIONS.find((org) => org.id === id);

/** The user's role in the organization, or undefined when they are not a member. */
export function roleIn(organization: Organization, userId: string): Role | undefined {
  const email = Object.keys(organization.members).find((e) => userForEmail(e).id === userId);
  return email === undefined ? undefined : organization.members[email];
}

/** The organizations the user belongs to, for a menu. */
export const organizationsOf = (userId: string) =>
  ORGANIZATIONS.filter((organization) => roleIn(organization, userId) !== undefined);

/** Every member sees the billing; owners, admins and the billing role change and buy it. */
export function mayBill(role: Role | undefined, action: "view" | "manage" | "purchase"): boolean {
  if (role === undefined) return false;
  return action === "view" || role !== "member";
}
