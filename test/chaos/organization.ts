import type { ChaosWorld, SeatBounds } from "./chaos-world.js";
import type { ChaosUser } from "./customer.js";
import { callPortico, expectData } from "./portico-requests.js";
import type { Random } from "./random.js";

/**
 * A chaos organization, built and changed through Portico's own routes as a team would:
 * its creator (an owner), the member who runs its billing, and the accounts it may add
 * later. Membership changes move a per-seat subscription's seats, so each one is followed
 * by a look at Stripe's quantity.
 */

export type MemberRole = "owner" | "admin" | "billing" | "member";

export interface ChaosMember extends ChaosUser {
  role: MemberRole;
}

export interface ChaosOrganization {
  id: string;
  creator: ChaosMember;
  /** Who runs the billing script: an owner, admin or billing member. */
  actor: ChaosMember;
  /** Its members now, the creator included. */
  members: ChaosMember[];
  /** Accounts that are not members (any more), to add. */
  outsiders: ChaosUser[];
  /** Seats that did not follow a membership change, for the test's assertion. */
  mismatches: string[];
}

/** Accounts set aside per organization: the creator, and six to add over its life. */
export const ORGANIZATION_ACCOUNTS = 7;

const BILLING_ROLES: readonly MemberRole[] = ["owner", "admin", "billing"];
const MEMBER_MANAGERS: readonly MemberRole[] = ["owner", "admin"];
/** Statuses in which Portico keeps a per-seat subscription's seats on the member count. */
const FOLLOWS_MEMBERS = ["active", "trialing", "past_due"];

export const clampSeats = (members: number, bounds: SeatBounds) =>
  Math.min(Math.max(members, bounds.minimum), bounds.maximum);

/** Who adds and removes members: the actor when its role may, else the creator. */
function managerOf(organization: ChaosOrganization): ChaosMember {
  const { actor, creator } = organization;
  return MEMBER_MANAGERS.includes(actor.role) ? actor : creator;
}

/** Members the manager may remove: never the creator or the actor, owners only by an owner. */
export function removableMembers(organization: ChaosOrganization): ChaosMember[] {
  const manager = managerOf(organization);
  return organization.members.filter(
    (member) =>
      member !== organization.creator &&
      member !== organization.actor &&
      (member.role !== "owner" || manager.role === "owner"),
  );
}

/** POST /api/organizations/{id}/members, by the manager, with a random role. */
async function addMember(world: ChaosWorld, random: Random, organization: ChaosOrganization) {
  const manager = managerOf(organization);
  const account = random.pick(organization.outsiders);
  const role = random.weighted<MemberRole>({
    owner: manager.role === "owner" ? 1 : 0,
    admin: 2,
    billing: 2,
    member: 3,
  });
  const response = await callPortico(random.pick(world.instances), {
    method: "POST",
    path: `/api/organizations/${organization.id}/members`,
    token: manager.token,
    body: { email: account.user.email, role },
  });
  await expectData(response, 201, "adding a member");
  organization.outsiders = organization.outsiders.filter((other) => other !== account);
  const member = { ...account, role };
  organization.members.push(member);
  return member;
}

/**
 * Creates the organization through the API, as its creator, and adds 2 to 4 members
 * through the members route; the actor is one of those allowed to manage billing.
 */
export async function createChaosOrganization(
  world: ChaosWorld,
  random: Random,
  index: number,
  accounts: ChaosUser[],
): Promise<ChaosOrganization> {
  const [first, ...others] = accounts;
  if (!first) throw new Error("an organization needs accounts");
  const response = await callPortico(random.pick(world.instances), {
    method: "POST",
    path: "/api/organizations",
    token: first.token,
    body: { name: `Chaos team ${index}` },
  });
  const { id } = await expectData<{ id: string }>(response, 201, "creating an organization");
  const creator: ChaosMember = { ...first, role: "owner" };
  const organization: ChaosOrganization = {
    id,
    creator,
    actor: creator,
    members: [creator],
    outsiders: others,
    mismatches: [],
  };
  const added = random.int(2, 4);
  for (let i = 0; i < added; i++) await addMember(world, random, organization);
  organization.actor = random.pick(
    organization.members.filter((member) => BILLING_ROLES.includes(member.role)),
  );
  return organization;
}

/**
 * After a membership change, Stripe's quantity must be the member count within the plan's
 * bounds: Portico moved it before answering. Only while the subscription is one Portico
 * keeps in step (entitling); an unpaid or paused one is left alone.
 */
async function checkSeatsFollowMembers(
  world: ChaosWorld,
  organization: ChaosOrganization,
  customerId: string,
  change: string,
) {
  const page = await world.main.stripe.test.subscriptions.list({
    customer: customerId,
    status: "all",
    limit: 100,
  });
  const followed = page.data.find((subscription) => FOLLOWS_MEMBERS.includes(subscription.status));
  const quantity = followed?.items.data[0]?.quantity;
  if (!followed || quantity === undefined) return;
  const expected = clampSeats(organization.members.length, world.seats);
  if (quantity !== expected) {
    organization.mismatches.push(
      `${organization.id} after ${change} (${organization.members.length} members): ` +
        `${followed.id} has ${quantity} seats, want ${expected}`,
    );
  }
}

/** Adds an outsider, or removes a member, through Portico; then looks at the seats. */
export async function changeMembership(
  world: ChaosWorld,
  random: Random,
  organization: ChaosOrganization,
  customerId: string,
  change: "addMember" | "removeMember",
) {
  if (change === "addMember") {
    await addMember(world, random, organization);
  } else {
    const member = random.pick(removableMembers(organization));
    const response = await callPortico(random.pick(world.instances), {
      method: "DELETE",
      path: `/api/organizations/${organization.id}/members/${member.user.id}`,
      token: managerOf(organization).token,
    });
    await expectData(response, 200, "removing a member");
    organization.members = organization.members.filter((other) => other !== member);
    organization.outsiders.push(member);
  }
  await checkSeatsFollowMembers(world, organization, customerId, change);
}
