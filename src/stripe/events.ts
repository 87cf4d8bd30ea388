import type Stripe from "stripe";
import {
  toCheckoutSessionSnapshot,
  toCustomerSnapshot,
  toInvoiceSnapshot,
  toPaymentMethodSnapshot,
  toSubscriptionSnapshot,
} from "./snapshots.js";
import type { SyncEvent, SyncEventObject } from "./sync-types.js";

/**
 * A stored event payload (what Stripe signed, kept in the inbox) as a `SyncEvent`. Works on
 * the stored JSON rather than on the request, so a retry can run it again later.
 */
export function toSyncEvent(payload: unknown): SyncEvent {
  const event = payload as Stripe.Event;
  return {
    id: event.id,
    type: event.type,
    created: event.created,
    livemode: event.livemode,
    object: toEventObject(event),
  };
}

function toEventObject(event: Stripe.Event): SyncEventObject {
  const object = event.data.object as { object?: string; id?: string };
  switch (object.object) {
    case "subscription":
      return {
        kind: "subscription",
        subscription: toSubscriptionSnapshot(object as Stripe.Subscription),
      };
    case "customer":
      return {
        kind: "customer",
        customer: toCustomerSnapshot(object as Stripe.Customer, event.livemode),
      };
    case "payment_method": {
      const previous = (event.data.previous_attributes ?? {}) as { customer?: unknown };
      return {
        kind: "payment_method",
        paymentMethod: toPaymentMethodSnapshot(object as Stripe.PaymentMethod),
        previousCustomerId: typeof previous.customer === "string" ? previous.customer : null,
      };
    }
    case "invoice":
      return { kind: "invoice", invoice: toInvoiceSnapshot(object as Stripe.Invoice) };
    case "checkout.session":
      return {
        kind: "checkout_session",
        session: toCheckoutSessionSnapshot(object as Stripe.Checkout.Session),
      };
    default:
      return { kind: "other", id: object.id ?? null };
  }
}
