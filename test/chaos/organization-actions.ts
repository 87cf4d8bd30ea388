import type Stripe from "stripe";
import type { ChaosWorld } from "./chaos-world.js";
import { type ChaosCustomer, RefusedAction } from "./customer.js";
import { type ChaosOrganization, changeMembership, removableMembers } from "./organization.js";
import { callPortico } from "./portico-requests.js";
import type { Random } from "./random.js";

/**
 * What only an organization's script does: change its seats through Portico, in Stripe
 * directly (as the portal's quantity field does), or by adding and removing members.
 */

export type OrganizationAction = "setSeats" | "changeQuantity" | "addMember" | "removeMember";

const PRORATIONS = ["create_prorations", "always_invoice", "none"] as const;

/** The organization's actions' weights, beside the shared ones. */
export function organizationWeights(
  organization: ChaosOrganization,
  live: Stripe.Subscription | undefined,
): Partial<Record<OrganizationAction | "changePlan", number>> {
  const membership = {
    addMember: organization.outsiders.length > 0 ? 1.5 : 0,
    removeMember: removableMembers(organization).length > 0 ? 1.5 : 0,
  };
  // Between the per-seat plan's two prices only: less often than a user's switch.
  return live ? { ...membership, changePlan: 2, setSeats: 3, changeQuantity: 2 } : membership;
}

/** A seat count within the plan's bounds, other than the current one. */
function otherSeatCount(world: ChaosWorld, random: Random, current: number | undefined) {
  const { minimum, maximum } = world.seats;
  const choices: number[] = [];
  for (let seats = minimum; seats <= maximum; seats++) if (seats !== current) choices.push(seats);
  return random.pick(choices);
}

/** POST /api/billing/seats as the acting member; 409 when Portico finds no per-seat plan. */
async function setSeats(
  world: ChaosWorld,
  random: Random,
  customer: ChaosCustomer,
  organization: ChaosOrganization,
  live: Stripe.Subscription,
) {
  const seats = otherSeatCount(world, random, live.items.data[0]?.quantity);
  const instance = random.pick(world.instances);
  // Portico lists the subscription, then sets its quantity: a clock advance in between
  // may cancel it, and Stripe's refusal then comes back as a 500 (a Portico bug, reported).
  const response = await world.clockGate.betweenAdvances(() =>
    callPortico(instance, {
      method: "POST",
      path: "/api/billing/seats",
      token: customer.token,
      body: { organizationId: organization.id, seats },
    }),
  );
  // An unpaid or paused subscription is not one whose seats change.
  if (response.status === 409) throw new RefusedAction(await response.text());
  if (response.status !== 200) {
    throw new Error(`seats answered ${response.status}: ${await response.text()}`);
  }
  await response.arrayBuffer();
}

export async function performOrganizationAction(
  world: ChaosWorld,
  random: Random,
  customer: ChaosCustomer,
  action: OrganizationAction,
  live: Stripe.Subscription | undefined,
) {
  const { organization } = customer;
  if (!organization) throw new Error(`${action} is an organization's action`);
  switch (action) {
    case "setSeats":
      if (!live) throw new Error("setSeats needs a subscription");
      await setSeats(world, random, customer, organization, live);
      return;
    case "changeQuantity": {
      const item = live?.items.data[0];
      if (!live || !item) throw new Error("changeQuantity needs a subscription");
      await world.main.stripe.test.subscriptions.update(live.id, {
        items: [{ id: item.id, quantity: otherSeatCount(world, random, item.quantity) }],
        proration_behavior: random.pick(PRORATIONS),
      });
      return;
    }
    case "addMember":
    case "removeMember":
      await changeMembership(world, random, organization, customer.customerId, action);
      return;
  }
}
