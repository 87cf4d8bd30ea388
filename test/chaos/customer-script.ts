import type { ChaosWorld } from "./chaos-world.js";
import { attempt, type ChaosCustomer, type ChaosUser, createUsers } from "./customer.js";
import { chooseAction, findLiveSubscription, performAction } from "./customer-actions.js";
import {
  type ChaosOrganization,
  createChaosOrganization,
  ORGANIZATION_ACCOUNTS,
} from "./organization.js";
import type { Random } from "./random.js";
import { startCustomer } from "./subscribe.js";

export interface ChaosPlan {
  customers: number;
  /** Share of customers that are organizations (the others are users). */
  organizationShare: number;
  /** Actions after the first subscription, per customer: between these two. */
  minActions: number;
  maxActions: number;
  /** Share of customers whose first subscription comes from Portico's checkout. */
  checkoutShare: number;
  /** Customers running their script at the same time. */
  concurrency: number;
}

/** A customer before its script: its seeded stream, its user, and its organization if any. */
interface CustomerStart {
  random: Random;
  user: ChaosUser;
  organization?: ChaosOrganization;
}

/**
 * One customer's life: a first subscription, then random actions, each chosen from the
 * state Stripe has at that moment (a clock advance by another customer may have ended the
 * subscription in between). The customer's choices come from its own seeded stream.
 */
async function runCustomer(
  world: ChaosWorld,
  index: number,
  plan: ChaosPlan,
  start: CustomerStart,
) {
  const { random } = start;
  const viaCheckout = random.chance(plan.checkoutShare);
  const customer = await startCustomer(world, random, { index, viaCheckout, ...start });
  const steps = random.int(plan.minActions, plan.maxActions);
  for (let step = 0; step < steps; step++) {
    const live = await findLiveSubscription(world, customer.customerId);
    const action = chooseAction(random, customer, live);
    await attempt(customer, action, () => performAction(world, random, customer, action, live));
  }
  return customer;
}

/**
 * Which customers are organizations (drawn from the run's seed), their accounts, and the
 * organizations themselves, made through the API before the chaos starts: with no
 * subscription yet nothing of theirs reaches Stripe, and made under the webhook storm they
 * would only slow the run down.
 */
async function prepareCustomers(
  world: ChaosWorld,
  random: Random,
  plan: ChaosPlan,
): Promise<CustomerStart[]> {
  const kinds = random.fork("subjects");
  const isOrganization = Array.from({ length: plan.customers }, () =>
    kinds.chance(plan.organizationShare),
  );
  const sizes = isOrganization.map((organization) => (organization ? ORGANIZATION_ACCOUNTS : 1));
  const users = await createUsers(
    world,
    sizes.reduce((sum, size) => sum + size, 0),
  );
  const starts: CustomerStart[] = [];
  let used = 0;
  for (let index = 0; index < plan.customers; index++) {
    const stream = random.fork(`customer-${index}`);
    const accounts = users.slice(used, used + (sizes[index] ?? 1));
    used += accounts.length;
    const [user] = accounts;
    if (!user) throw new Error(`no account for customer ${index}`);
    if (!isOrganization[index]) {
      starts.push({ random: stream, user });
      continue;
    }
    const organization = await createChaosOrganization(world, stream, index, accounts);
    starts.push({ random: stream, user: organization.actor, organization });
  }
  return starts;
}

/** Runs every customer's script, `plan.concurrency` at a time. */
export async function runChaosCustomers(
  world: ChaosWorld,
  random: Random,
  plan: ChaosPlan,
): Promise<ChaosCustomer[]> {
  const starts = await prepareCustomers(world, random, plan);
  const customers: ChaosCustomer[] = [];
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < plan.customers; index = next++) {
      const start = starts[index];
      if (!start) throw new Error(`no start for customer ${index}`);
      customers[index] = await runCustomer(world, index, plan, start);
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  return customers;
}
