import type { PorticoMessages } from "../messages.js";
import type { ReturnKind } from "../store/return-from-stripe.js";
import type { Subscription } from "../store/to-subscription.js";

/**
 * The line shown after a return from Stripe. A "success" return that still finds no paid
 * plan means the payment did not go through (a declined card, then Back): it reads as a cancel.
 */
export function returnNotice(
  kind: ReturnKind,
  subscription: Subscription,
  messages: PorticoMessages,
): string {
  if (kind === "portal") return messages.portalReturned;
  if (kind === "checkout-success" && subscription.plan) return messages.checkoutSucceeded;
  return messages.checkoutCanceled;
}
