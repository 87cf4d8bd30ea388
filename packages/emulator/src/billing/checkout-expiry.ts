import type { CheckoutSession } from "./checkout-build.js";
import { expireCheckoutSession } from "./checkout-complete.js";
import type { BillingContext } from "./context.js";

/**
 * Checkout Sessions expire at `expires_at` (24 hours by default) with
 * `checkout.session.expired`, whether or not anyone opens them again: an app that waits for
 * that event to release reserved stock must receive it when the clock passes that time.
 */

function openSessions(context: BillingContext): CheckoutSession[] {
  return [...context.account.collections["checkout.session"].values()].filter(
    (session) => session.status === "open",
  );
}

/** Expiry times of open sessions, for the clock to stop at each. */
export function checkoutExpiryTimes(context: BillingContext): number[] {
  return openSessions(context).map((session) => session.expires_at);
}

export function expireDueCheckoutSessions(context: BillingContext): void {
  const now = context.account.clock.now();
  for (const session of openSessions(context)) {
    if (session.expires_at <= now) expireCheckoutSession(context, session.id);
  }
}
