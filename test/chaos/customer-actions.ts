import type Stripe from "stripe";
import type { ChaosWorld } from "./chaos-world.js";
import type { ChaosCustomer } from "./customer.js";
import {
  type OrganizationAction,
  organizationWeights,
  performOrganizationAction,
} from "./organization-actions.js";
import type { Random } from "./random.js";
import { CARDS, checkOut, pricesFor, subscribeThroughApi } from "./subscribe.js";

/**
 * What a chaos customer does once subscribed, each through the official SDK (and, for an
 * organization, its seats and members also through Portico: organization-actions.ts).
 * Everything the emulator does in answer, events included, is what Portico must end up
 * mirroring.
 */

export type ChaosAction =
  | "changePlan"
  | "cancelAtPeriodEnd"
  | "resume"
  | "cancelNow"
  | "togglePause"
  | "changeCard"
  | "updateDetails"
  | "advanceClock"
  | "resubscribe"
  | OrganizationAction;

/** Attaches, then declines every charge: renewals go `past_due` and dunning starts. */
const DECLINING_CARD = "pm_card_chargeCustomerFail";
const PRORATIONS = ["create_prorations", "always_invoice", "none"] as const;
const CLOCK_STEPS = [3600, 86_400, 4 * 86_400, 12 * 86_400, 33 * 86_400];
/** Statuses the script leaves alone: ended, or waiting on a first payment that failed. */
const UNCHANGEABLE = new Set(["canceled", "incomplete_expired", "incomplete"]);

/** The customer's newest subscription that can still change, if any. */
export async function findLiveSubscription(world: ChaosWorld, customerId: string) {
  const page = await world.main.stripe.test.subscriptions.list({
    customer: customerId,
    status: "all",
    limit: 100,
  });
  return page.data
    .filter((subscription) => !UNCHANGEABLE.has(subscription.status))
    .sort((a, b) => b.created - a.created)[0];
}

async function changeCard(world: ChaosWorld, random: Random, customerId: string) {
  const stripe = world.main.stripe.test;
  const token = random.chance(0.1) ? DECLINING_CARD : random.pick(CARDS);
  const card = await stripe.paymentMethods.attach(token, { customer: customerId });
  if (random.chance(0.85)) {
    await stripe.customers.update(customerId, {
      invoice_settings: { default_payment_method: card.id },
    });
  }
  if (random.chance(0.35)) {
    const cards = await stripe.paymentMethods.list({ customer: customerId, limit: 100 });
    const others = cards.data.filter((other) => other.id !== card.id);
    if (others.length > 0) await stripe.paymentMethods.detach(random.pick(others).id);
  }
}

async function updateDetails(world: ChaosWorld, random: Random, customer: ChaosCustomer) {
  const version = customer.log.length;
  await world.main.stripe.test.customers.update(customer.customerId, {
    name: `Chaos ${customer.index}.${version}`,
    email: `chaos-${customer.index}-${version}@example.com`,
    address: random.chance(0.7)
      ? {
          line1: `${random.int(1, 999)} Main St`,
          city: random.pick(["Lyon", "Austin", "Berlin"]),
          postal_code: String(random.int(10_000, 99_999)),
          country: random.pick(["FR", "US", "DE"]),
        }
      : "",
  });
}

/** Which action comes next, given the customer's live subscription (if any). */
export function chooseAction(
  random: Random,
  customer: ChaosCustomer,
  live: Stripe.Subscription | undefined,
): ChaosAction {
  const { organization } = customer;
  const own = organization ? organizationWeights(organization, live) : {};
  if (!live) return random.weighted({ resubscribe: 6, changeCard: 1, updateDetails: 1, ...own });
  return random.weighted({
    ...own,
    changePlan: own.changePlan ?? 4,
    cancelAtPeriodEnd: live.cancel_at_period_end ? 0 : 2,
    resume: live.cancel_at_period_end ? 3 : 0,
    cancelNow: 1,
    togglePause: 1,
    changeCard: 2,
    updateDetails: 2,
    advanceClock: 0.5,
  });
}

export async function performAction(
  world: ChaosWorld,
  random: Random,
  customer: ChaosCustomer,
  action: ChaosAction,
  live: Stripe.Subscription | undefined,
): Promise<void> {
  const stripe = world.main.stripe.test;
  const subscriptionId = live?.id ?? "";
  switch (action) {
    case "changePlan": {
      const item = live?.items.data[0];
      const prices = pricesFor(world, customer);
      const price = random.pick(prices.filter((other) => other.id !== item?.price.id));
      await stripe.subscriptions.update(subscriptionId, {
        items: [{ id: item?.id, price: price.id }],
        proration_behavior: random.pick(PRORATIONS),
      });
      return;
    }
    case "cancelAtPeriodEnd":
    case "resume":
      await stripe.subscriptions.update(subscriptionId, {
        cancel_at_period_end: action === "cancelAtPeriodEnd",
      });
      return;
    case "cancelNow":
      await stripe.subscriptions.cancel(subscriptionId);
      return;
    case "togglePause":
      await stripe.subscriptions.update(subscriptionId, {
        pause_collection: live?.pause_collection
          ? ""
          : { behavior: random.pick(["void", "keep_as_draft", "mark_uncollectible"] as const) },
      });
      return;
    case "changeCard":
      await changeCard(world, random, customer.customerId);
      return;
    case "updateDetails":
      await updateDetails(world, random, customer);
      return;
    case "advanceClock":
      // Account-wide: every customer's renewals, trial ends and cancellations fall due.
      await world.clockGate.advance(() =>
        world.main.control("clock/advance", { seconds: random.pick(CLOCK_STEPS) }),
      );
      return;
    case "resubscribe":
      if (random.chance(0.4)) await checkOut(world, random, customer);
      else await subscribeThroughApi(world, random, customer);
      return;
    default:
      await performOrganizationAction(world, random, customer, action, live);
  }
}
