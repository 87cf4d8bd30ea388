import type Stripe from "stripe";
import type { Wire } from "../wire.js";
import {
  callApi,
  PortalActionError,
  type PortalActor,
  requirePortalFeature,
  requirePortalSubscription,
  type Subscription,
} from "./portal-actions.js";
import type { SubscriptionItem } from "./subscription-items.js";
import { updateSubscription } from "./subscriptions.js";

/**
 * Plan and quantity changes from the hosted portal's "Update plan" screens. The confirm
 * page (GET) and the change itself (POST) check a request with the same rules, so a page
 * never offers what the POST would refuse.
 */

type Price = Wire<Stripe.Price>;
type AllowedUpdate =
  Stripe.BillingPortal.Configuration.Features.SubscriptionUpdate.DefaultAllowedUpdate;

export type QuantityLimits = { minimum: number; maximum: number | null };

/** What the customer asked for: empty strings mean "keep the current one". */
export type PlanChangeRequest = { price: string; quantity: string };

export type PlanChange = {
  subscription: Subscription;
  item: SubscriptionItem;
  price: Price;
  quantity: number;
};

/** A refused quantity: the screen shows it next to the quantity field instead of an error page. */
export class PortalQuantityError extends PortalActionError {
  constructor(message: string) {
    super(message, 400);
    this.name = "PortalQuantityError";
  }
}

const productOf = (price: Price) =>
  typeof price.product === "string" ? price.product : price.product.id;

/**
 * `default_allowed_updates` applies to every product listed in the configuration (Stripe:
 * "the types of subscription updates that are supported for items listed in products").
 */
function allowsUpdate(actor: PortalActor, update: AllowedUpdate): boolean {
  return actor.configuration.features.subscription_update.default_allowed_updates.includes(update);
}

/**
 * The quantity range the customer may choose for a price, or null when its quantity is
 * fixed: Stripe needs `quantity` among `default_allowed_updates` and the product's own
 * `adjustable_quantity.enabled`, whose `minimum` and `maximum` bound the choice.
 */
export function findQuantityLimits(actor: PortalActor, price: Price): QuantityLimits | null {
  if (!allowsUpdate(actor, "quantity")) return null;
  const products = actor.configuration.features.subscription_update.products ?? [];
  const entry = products.find((candidate) => candidate.product === productOf(price));
  if (!entry?.adjustable_quantity.enabled) return null;
  const { minimum, maximum } = entry.adjustable_quantity;
  return { minimum, maximum };
}

/** A `subscription_update_confirm` deep link's proposal for this subscription, if any. */
function findProposal(actor: PortalActor, subscriptionId: string) {
  const confirm = actor.session.flow?.subscription_update_confirm;
  return confirm?.subscription === subscriptionId ? confirm.items : [];
}

/**
 * A price the customer may switch to: one the configuration lists (when `price` is an
 * allowed update), or the one a `subscription_update_confirm` deep link proposed.
 */
export function isOfferedPrice(actor: PortalActor, subscriptionId: string, priceId: string) {
  if (findProposal(actor, subscriptionId).some((item) => item.price === priceId)) return true;
  if (!allowsUpdate(actor, "price")) return false;
  const products = actor.configuration.features.subscription_update.products ?? [];
  return products.some((entry) => entry.prices.includes(priceId));
}

/** "Choose a quantity between 1 and 10." */
export function describeQuantityLimits(limits: QuantityLimits): string {
  return limits.maximum === null
    ? `Choose a quantity of at least ${limits.minimum}.`
    : `Choose a quantity between ${limits.minimum} and ${limits.maximum}.`;
}

/** The current quantity, or the nearest one the limits allow (for a plan's quantity field). */
export function clampQuantity(quantity: number, limits: QuantityLimits): number {
  const atLeast = Math.max(quantity, limits.minimum);
  return limits.maximum === null ? atLeast : Math.min(atLeast, limits.maximum);
}

function resolveQuantity(
  actor: PortalActor,
  item: SubscriptionItem,
  price: Price,
  raw: string,
): number {
  const current = item.quantity ?? 1;
  if (raw.trim() === "") return current;
  const proposed = findProposal(actor, item.subscription).find((entry) => entry.id === item.id);
  // The merchant's own proposal came through the API with a secret key; it is not bounded
  // by what the customer may pick.
  if (proposed?.quantity !== undefined && String(proposed.quantity) === raw.trim()) {
    return proposed.quantity;
  }
  const limits = findQuantityLimits(actor, price);
  if (!limits) {
    if (raw.trim() === String(current)) return current;
    throw new PortalActionError("The quantity of this plan cannot be changed.");
  }
  if (!/^\d+$/.test(raw.trim())) throw new PortalQuantityError(describeQuantityLimits(limits));
  const quantity = Number(raw.trim());
  if (quantity < limits.minimum || (limits.maximum !== null && quantity > limits.maximum)) {
    throw new PortalQuantityError(describeQuantityLimits(limits));
  }
  return quantity;
}

/** Checks a requested plan and quantity against the configuration and the session's flow. */
export function resolvePlanChange(
  actor: PortalActor,
  subscriptionId: string,
  request: PlanChangeRequest,
): PlanChange {
  requirePortalFeature(actor, "subscription_update");
  const subscription = requirePortalSubscription(actor, subscriptionId);
  const [item, ...others] = subscription.items.data;
  // Stripe's portal only changes single-price subscriptions.
  if (!item || others.length > 0) {
    throw new PortalActionError("This subscription has several plans and cannot be changed here.");
  }
  const priceId = request.price || item.price.id;
  const price = actor.account.collections.price.get(priceId);
  if (!price || (priceId !== item.price.id && !isOfferedPrice(actor, subscription.id, priceId))) {
    throw new PortalActionError("This plan is not available.", 404);
  }
  const quantity = resolveQuantity(actor, item, price, request.quantity);
  return { subscription, item, price, quantity };
}

/**
 * Applies a plan or quantity change with the configuration's `proration_behavior`. A plan
 * switch keeps the item's quantity unless another one was chosen, as on Stripe.
 */
export function changePortalSubscription(
  actor: PortalActor,
  subscriptionId: string,
  request: PlanChangeRequest,
): Subscription {
  const feature = actor.configuration.features.subscription_update;
  const { subscription, item, price, quantity } = resolvePlanChange(actor, subscriptionId, request);
  const priceChanged = price.id !== item.price.id;
  const quantityChanged = quantity !== (item.quantity ?? 1);
  if (!priceChanged && !quantityChanged) throw new PortalActionError("This is already your plan.");
  const endTrial =
    subscription.status === "trialing" && feature.trial_update_behavior === "end_trial";
  return callApi(
    actor,
    updateSubscription,
    {
      items: [
        {
          id: item.id,
          ...(priceChanged ? { price: price.id } : {}),
          ...(quantityChanged ? { quantity: String(quantity) } : {}),
        },
      ],
      proration_behavior: feature.proration_behavior,
      ...(endTrial ? { trial_end: "now" } : {}),
    },
    subscription.id,
  );
}
