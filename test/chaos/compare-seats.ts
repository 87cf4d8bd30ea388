import type Stripe from "stripe";
import type { ChaosWorld } from "./chaos-world.js";
import type { ChaosCustomer } from "./customer.js";
import { callPortico, expectData } from "./portico-requests.js";

/**
 * What an organization's member sees of its billing (`GET /api/billing/subscription?
 * organizationId=…`) against Stripe: the subscription the view stands for, its plan, status
 * and seats. The choice of subscription is written here from the API's documented rule
 * (most entitled status first, then the newest), not taken from the code under test.
 */

const PRECEDENCE = ["active", "trialing", "past_due", "unpaid", "paused", "incomplete"];
const ENTITLING = ["active", "trialing", "past_due"];

interface SeatView {
  plan: string;
  status: string | null;
  seats: number | null;
}

function expectedView(subscriptions: Stripe.Subscription[], world: ChaosWorld): SeatView {
  const rank = (subscription: Stripe.Subscription) => {
    const index = PRECEDENCE.indexOf(subscription.status);
    return index === -1 ? PRECEDENCE.length : index;
  };
  const [current] = [...subscriptions].sort((a, b) => rank(a) - rank(b) || b.created - a.created);
  const item = current?.items.data[0];
  const plan = world.planByLookupKey.get(item?.price.lookup_key ?? "");
  const paid = current && ENTITLING.includes(current.status) ? plan : undefined;
  return {
    plan: paid ?? "free",
    status: current?.status ?? null,
    // Organizations buy only the per-seat plan: an entitling subscription has seats.
    seats: paid ? (item?.quantity ?? null) : null,
  };
}

/** The differences between the organization's view and Stripe; none for a user. */
export async function diffSeatView(world: ChaosWorld, customer: ChaosCustomer) {
  const { organization } = customer;
  if (!organization) return [];
  const response = await callPortico(world.main, {
    method: "GET",
    path: `/api/billing/subscription?organizationId=${organization.id}`,
    token: customer.token,
  });
  const view = await expectData<SeatView>(response, 200, "the organization's subscription");
  const page = await world.main.stripe.test.subscriptions.list({
    customer: customer.customerId,
    status: "all",
    limit: 100,
  });
  const want = expectedView(page.data, world);
  const have = { plan: view.plan, status: view.status, seats: view.seats };
  return (Object.keys(want) as (keyof SeatView)[])
    .filter((field) => want[field] !== have[field])
    .map(
      (field) =>
        `${customer.customerId} view of ${organization.id}.${field}: ` +
        `Portico ${JSON.stringify(have[field])}, Stripe ${JSON.stringify(want[field])}`,
    );
}
