import { findBillingCustomer } from "../../src/db/billing-customers.js";
import { userSubjectId } from "../../src/db/subjects.js";
import { payOnHostedCheckout } from "../checkout.js";
import { giveCustomer, postJson, type TestPortico } from "../portico.js";
import type { ChaosWorld } from "./chaos-world.js";
import { attempt, type ChaosCustomer, type ChaosUser, RefusedAction } from "./customer.js";
import type { Random } from "./random.js";

/**
 * The two ways a chaos customer subscribes: Portico's checkout route and the emulator's
 * hosted page, as a user would, or a subscription created through the API.
 */

export const CARDS = [
  "pm_card_visa",
  "pm_card_mastercard",
  "pm_card_amex",
  "pm_card_discover",
  "pm_card_visa_debit",
];
const CHECKOUT_CARDS = ["4242424242424242", "5555555555554444", "378282246310005"];

/** A 503 under the webhook bursts means "retry shortly": a client does, a few times. */
async function postCheckout(instance: TestPortico, body: object, token: string) {
  for (let attempt = 1; ; attempt++) {
    const response = await postJson(instance, "/api/billing/checkout", body, token);
    if (response.status !== 503 || attempt === 3) return response;
    await response.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Through Portico's checkout route (on any instance) and the emulator's hosted page. */
export function checkOut(world: ChaosWorld, random: Random, token: string) {
  const instance = random.pick(world.instances);
  const price = random.pick(world.prices).lookup_key;
  const card = random.pick(CHECKOUT_CARDS);
  return world.clockGate.duringCheckout(async () => {
    const response = await postCheckout(instance, { price }, token);
    if (response.status === 409) throw new RefusedAction(await response.text());
    if (response.status !== 200) {
      throw new Error(`checkout answered ${response.status}: ${await response.text()}`);
    }
    const { data } = (await response.json()) as { data: { url: string } };
    await payOnHostedCheckout(data.url, card);
  });
}

export async function subscribeThroughApi(world: ChaosWorld, random: Random, customerId: string) {
  await world.main.stripe.test.subscriptions.create({
    customer: customerId,
    items: [{ price: random.pick(world.prices).id }],
    ...(random.chance(0.3) ? { trial_period_days: random.pick([2, 14]) } : {}),
  });
}

/** A user's customer, card and first subscription: through checkout, or the API. */
export async function startCustomer(
  world: ChaosWorld,
  random: Random,
  index: number,
  viaCheckout: boolean,
  { token, user }: ChaosUser,
): Promise<ChaosCustomer> {
  const { main } = world;
  const customer: ChaosCustomer = {
    index,
    userId: user.id,
    token,
    customerId: "",
    log: [],
    rejected: [],
  };
  if (viaCheckout) {
    // Portico creates and links the customer before the session, so a refused payment
    // still leaves one; the script's next actions subscribe it again.
    await attempt(customer, "checkout", () => checkOut(world, random, token));
    const link = await findBillingCustomer(main.portico.database.db, userSubjectId(user.id), false);
    if (!link) throw new Error(`checkout left user ${user.id} without a customer`);
    customer.customerId = link.stripeCustomerId;
    return customer;
  }
  customer.customerId = (await giveCustomer(main, user.id)).id;
  await attempt(customer, "subscribe", async () => {
    const card = await main.stripe.test.paymentMethods.attach(random.pick(CARDS), {
      customer: customer.customerId,
    });
    await main.stripe.test.customers.update(customer.customerId, {
      invoice_settings: { default_payment_method: card.id },
    });
    await subscribeThroughApi(world, random, customer.customerId);
  });
  return customer;
}
