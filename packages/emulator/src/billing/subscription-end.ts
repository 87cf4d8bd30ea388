import type Stripe from "stripe";
import { emitEvent } from "../events.js";
import { saveObject } from "../store.js";
import type { Wire } from "../wire.js";
import type { BillingContext } from "./context.js";

type Subscription = Wire<Stripe.Subscription>;

/** Ends a subscription whose scheduled cancellation (or trial end without a card) has come. */
export function endSubscription(context: BillingContext, subscription: Subscription, at: number) {
  const ended: Subscription = {
    ...subscription,
    status: "canceled",
    ended_at: at,
    canceled_at: subscription.canceled_at ?? at,
    cancellation_details: {
      comment: subscription.cancellation_details?.comment ?? null,
      feedback: subscription.cancellation_details?.feedback ?? null,
      feedback_option: subscription.cancellation_details?.feedback_option ?? null,
      reason: "cancellation_requested",
    },
  };
  saveObject(context.account, "subscription", ended);
  emitEvent(context.account, "customer.subscription.deleted", ended, undefined, context);
  return ended;
}
