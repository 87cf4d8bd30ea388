import type Stripe from "stripe";
import { findBillingCustomer, linkBillingCustomer } from "../../src/db/billing-customers.js";
import type { Subject } from "../../src/db/subjects.js";
import { payOnHostedCheckout } from "../checkout.js";
import { giveCustomer } from "../portico.js";
import type { ChaosWorld } from "./chaos-world.js";
import { attempt, type ChaosCustomer, type ChaosUser, RefusedAction } from "./customer.js";
import { type ChaosOrganization, clampSeats } from "./organization.js";
import { callPortico } from "./portico-requests.js";
import type { Random } from "./random.js";

/**
 * The two ways a chaos customer subscribes: Portico's checkout route and the emulator's
 * hosted page, as a user would, or a subscription created through the API. A user buys
 * one of the plans billed per subscription; an organization buys the per-seat plan, for
 * its member count.
 */

export const CARDS = [
  "pm_card_visa",
  "pm_card_mastercard",
  "pm_card_amex",
  "pm_card_discover",
  "pm_card_visa_debit",
];
const CHECKOUT_CARDS = ["4242424242424242", "5555555555554444", "378282246310005"];

/** The prices the customer's subject buys. */
export const pricesFor = (world: ChaosWorld, customer: ChaosCustomer) =>
  customer.organization ? world.seatPrices : world.prices;

/** An organization's checkout names it, and sometimes asks for seats instead of the members. */
function checkoutBody(world: ChaosWorld, random: Random, customer: ChaosCustomer) {
  const price = random.pick(pricesFor(world, customer)).lookup_key;
  if (!customer.organization) return { price };
  const { minimum, maximum } = world.seats;
  return {
    price,
    organizationId: customer.organization.id,
    ...(random.chance(0.3) ? { seats: random.int(minimum, maximum) } : {}),
  };
}

/** Through Portico's checkout route (on any instance) and the emulator's hosted page. */
export function checkOut(world: ChaosWorld, random: Random, customer: ChaosCustomer) {
  const instance = random.pick(world.instances);
  const body = checkoutBody(world, random, customer);
  const card = random.pick(CHECKOUT_CARDS);
  return world.clockGate.betweenAdvances(async () => {
    const response = await callPortico(instance, {
      method: "POST",
      path: "/api/billing/checkout",
      token: customer.token,
      body,
    });
    // 422 for an organization: more members than the plan's seats allow.
    const refused = response.status === 409 || (customer.organization && response.status === 422);
    if (refused) throw new RefusedAction(await response.text());
    if (response.status !== 200) {
      throw new Error(`checkout answered ${response.status}: ${await response.text()}`);
    }
    const { data } = (await response.json()) as { data: { url: string } };
    await payOnHostedCheckout(data.url, card);
  });
}

export async function subscribeThroughApi(
  world: ChaosWorld,
  random: Random,
  customer: ChaosCustomer,
) {
  const price = random.pick(pricesFor(world, customer)).id;
  const members = customer.organization?.members.length;
  const item: Stripe.SubscriptionCreateParams.Item =
    members === undefined ? { price } : { price, quantity: clampSeats(members, world.seats) };
  await world.main.stripe.test.subscriptions.create({
    customer: customer.customerId,
    items: [item],
    ...(random.chance(0.3) ? { trial_period_days: random.pick([2, 14]) } : {}),
  });
}

/** A Stripe customer for an organization, made and linked as Portico's checkout would. */
async function giveOrganizationCustomer(world: ChaosWorld, subject: Subject, index: number) {
  const { main } = world;
  const customer = await main.stripe.test.customers.create({
    name: `Chaos team ${index}`,
    metadata: { portico_organization_id: subject.id },
  });
  await linkBillingCustomer(main.portico.database.db, subject, false, customer.id);
  return customer.id;
}

/**
 * A customer's card and first subscription, through checkout or the API, for its subject:
 * the user, or the organization (created beforehand) whose actor it is.
 */
export async function startCustomer(
  world: ChaosWorld,
  random: Random,
  start: { index: number; viaCheckout: boolean; user: ChaosUser; organization?: ChaosOrganization },
): Promise<ChaosCustomer> {
  const { main } = world;
  const { index, viaCheckout, user, organization } = start;
  const subject: Subject = organization
    ? { type: "organization", id: organization.id }
    : { type: "user", id: user.user.id };
  const customer: ChaosCustomer = {
    index,
    subject,
    token: organization?.actor.token ?? user.token,
    ...(organization ? { organization } : {}),
    customerId: "",
    log: [],
    rejected: [],
  };
  if (viaCheckout) {
    // Portico creates and links the customer before the session, so a refused payment
    // still leaves one; the script's next actions subscribe it again.
    await attempt(customer, "checkout", () => checkOut(world, random, customer));
    const link = await findBillingCustomer(main.portico.database.db, subject, false);
    if (!link) throw new Error(`checkout left ${subject.type} ${subject.id} without a customer`);
    customer.customerId = link.stripeCustomerId;
    return customer;
  }
  customer.customerId = organization
    ? await giveOrganizationCustomer(world, subject, index)
    : (await giveCustomer(main, user.user.id)).id;
  await attempt(customer, "subscribe", async () => {
    const card = await main.stripe.test.paymentMethods.attach(random.pick(CARDS), {
      customer: customer.customerId,
    });
    await main.stripe.test.customers.update(customer.customerId, {
      invoice_settings: { default_payment_method: card.id },
    });
    await subscribeThroughApi(world, random, customer);
  });
  return customer;
}
