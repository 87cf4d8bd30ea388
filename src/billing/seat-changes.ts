import type { Config, StripeMode } from "../config.js";
import { findBillingCustomer } from "../db/billing-customers.js";
import { listCustomerSubscriptions } from "../db/billing-subscriptions.js";
import type { Db } from "../db/client.js";
import { consumeRateLimit } from "../db/rate-limits.js";
import { type Subject, subjectKey } from "../db/subjects.js";
import { PorticoError } from "../errors.js";
import { type StripeGateway, StripeModeNotConfiguredError } from "../stripe/gateway.js";
import type { PlanCatalog } from "./plans.js";
import { checkSeatCount, noSeatSubscription, type ProrationBehavior } from "./seats.js";
import { isEntitling, type SubscriptionView } from "./subscription-view.js";
import type { SubscriptionService } from "./subscriptions.js";
import type { SyncRunner } from "./sync/sync-runner.js";

/**
 * Changes a per-seat subscription's quantity. Stripe is read first (the mirror may be a
 * webhook behind on the item), no database work is open while Stripe answers, and the
 * subject's state is pulled after the change so the answer already shows the new seats.
 */
export function createSeatService(deps: {
  db: Db;
  stripe: Pick<StripeGateway, "modes" | "listOpenSubscriptions" | "setItemQuantity">;
  plans: Pick<PlanCatalog, "plans" | "planForPrice">;
  runner: Pick<SyncRunner, "pull">;
  subscriptions: Pick<SubscriptionService, "getSubscription">;
  config: Pick<Config, "rateLimits">;
  prorationBehavior: ProrationBehavior;
}) {
  const { db, stripe, plans, runner, subscriptions, config } = deps;

  /**
   * The item's plan: by its price's lookup key, as sync maps it; else by the price id (known
   * once the setup check has seen it), else as the mirror recorded it.
   */
  async function planOf(
    customerId: string,
    subscriptionId: string,
    item: { priceId: string; lookupKey: string | null },
  ) {
    const byPrice =
      (item.lookupKey ? plans.planForPrice(item.lookupKey) : undefined) ??
      plans.planForPrice(item.priceId);
    if (byPrice) return byPrice;
    const mirrored = (await listCustomerSubscriptions(db, customerId)).find(
      (row) => row.stripeSubscriptionId === subscriptionId,
    );
    return plans.plans.find((plan) => plan.key === mirrored?.planKey);
  }

  /** The subject's per-seat subscription in Stripe, its one item and its plan; or undefined. */
  async function findSeatSubscription(subject: Subject, mode: StripeMode) {
    const customer = await findBillingCustomer(db, subject, mode === "live");
    if (!customer) return undefined;
    const open = await stripe.listOpenSubscriptions(mode, customer.stripeCustomerId);
    const current = open.find((subscription) => isEntitling(subscription.status));
    const [item] = current?.items ?? [];
    if (!current || !item || current.items.length !== 1) return undefined;
    const plan = await planOf(customer.stripeCustomerId, current.id, item);
    if (!plan?.seats) return undefined;
    return { customerId: customer.stripeCustomerId, subscriptionId: current.id, item, plan };
  }

  async function applySeats(
    mode: StripeMode,
    found: NonNullable<Awaited<ReturnType<typeof findSeatSubscription>>>,
    seats: number,
  ) {
    if (found.item.quantity === seats) return;
    await stripe.setItemQuantity(mode, {
      subscriptionId: found.subscriptionId,
      itemId: found.item.id,
      quantity: seats,
      prorationBehavior: deps.prorationBehavior,
    });
    await runner.pull(mode, found.customerId);
  }

  /** Sets the seats of the subject's per-seat subscription; answers its view afterwards. */
  async function setSeats(
    subject: Subject,
    seats: number,
    mode: StripeMode,
  ): Promise<SubscriptionView> {
    if (!stripe.modes().includes(mode)) throw new StripeModeNotConfiguredError(mode);
    const limit = await consumeRateLimit(
      db,
      `seats:${subjectKey(subject)}`,
      config.rateLimits.checkout,
    );
    if (!limit.allowed) {
      throw new PorticoError("RATE_LIMITED", "Too many seat changes, try again later", {
        retryAfter: limit.retryAfter,
      });
    }
    const found = await findSeatSubscription(subject, mode);
    if (!found) throw noSeatSubscription();
    checkSeatCount(found.plan, seats);
    await applySeats(mode, found, seats);
    return subscriptions.getSubscription(subject, mode);
  }

  /**
   * Follows a membership change: the seats become the member count, within the plan's
   * bounds. Nothing happens without a per-seat subscription.
   */
  async function matchSeatsToMembers(subject: Subject, members: number, mode: StripeMode) {
    if (!stripe.modes().includes(mode)) return;
    const found = await findSeatSubscription(subject, mode);
    if (!found?.plan.seats) return;
    const { minimum, maximum } = found.plan.seats;
    await applySeats(mode, found, Math.min(Math.max(members, minimum), maximum ?? Infinity));
  }

  return { setSeats, matchSeatsToMembers };
}

export type SeatService = ReturnType<typeof createSeatService>;
