import type { ChaosWorld } from "./chaos-world.js";
import { attempt, type ChaosCustomer, type ChaosUser, createUsers } from "./customer.js";
import { chooseAction, findLiveSubscription, performAction } from "./customer-actions.js";
import type { Random } from "./random.js";
import { startCustomer } from "./subscribe.js";

export interface ChaosPlan {
  customers: number;
  /** Actions after the first subscription, per customer: between these two. */
  minActions: number;
  maxActions: number;
  /** Share of customers whose first subscription comes from Portico's checkout. */
  checkoutShare: number;
  /** Customers running their script at the same time. */
  concurrency: number;
}

/**
 * One customer's life: a first subscription, then random actions, each chosen from the
 * state Stripe has at that moment (a clock advance by another customer may have ended the
 * subscription in between). The customer's choices come from its own seeded stream.
 */
async function runCustomer(
  world: ChaosWorld,
  random: Random,
  index: number,
  plan: ChaosPlan,
  user: ChaosUser,
) {
  const viaCheckout = random.chance(plan.checkoutShare);
  const customer = await startCustomer(world, random, index, viaCheckout, user);
  const steps = random.int(plan.minActions, plan.maxActions);
  for (let step = 0; step < steps; step++) {
    const live = await findLiveSubscription(world, customer.customerId);
    const action = chooseAction(random, live);
    await attempt(customer, action, () => performAction(world, random, customer, action, live));
  }
  return customer;
}

/** Runs every customer's script, `plan.concurrency` at a time. */
export async function runChaosCustomers(
  world: ChaosWorld,
  random: Random,
  plan: ChaosPlan,
): Promise<ChaosCustomer[]> {
  const users = await createUsers(world, plan.customers);
  const customers: ChaosCustomer[] = [];
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < plan.customers; index = next++) {
      const stream = random.fork(`customer-${index}`);
      customers[index] = await runCustomer(world, stream, index, plan, users[index] as ChaosUser);
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  return customers;
}
