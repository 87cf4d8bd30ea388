import type { SyncEvent } from "../../stripe/sync-types.js";
import { applyCheckoutEvent, CHECKOUT_EVENTS } from "./checkout.js";
import { applyCustomerEvent, CUSTOMER_EVENTS } from "./customers.js";
import { applyInvoiceEvent, INVOICE_EVENTS } from "./invoices.js";
import { applyPaymentMethodEvent, PAYMENT_METHOD_EVENTS } from "./payment-methods.js";
import { applySubscriptionEvent, SUBSCRIPTION_EVENTS } from "./subscriptions.js";
import type { SyncContext } from "./sync-context.js";
import type { SyncOutcome } from "./watermark.js";

export type EventHandler = (ctx: SyncContext, event: SyncEvent) => Promise<SyncOutcome>;

const families: [readonly string[], EventHandler][] = [
  [SUBSCRIPTION_EVENTS, applySubscriptionEvent],
  [CUSTOMER_EVENTS, applyCustomerEvent],
  [PAYMENT_METHOD_EVENTS, applyPaymentMethodEvent],
  [INVOICE_EVENTS, applyInvoiceEvent],
  [CHECKOUT_EVENTS, applyCheckoutEvent],
];

const HANDLERS = new Map<string, EventHandler>(
  families.flatMap(([types, handler]) => types.map((type) => [type, handler] as const)),
);

/** The event types sync handles; anything else is stored as `ignored`. */
export const HANDLED_EVENT_TYPES: readonly string[] = [...HANDLERS.keys()];

export function findEventHandler(type: string): EventHandler | undefined {
  return HANDLERS.get(type);
}

/**
 * The advisory-lock key that serializes an event with every other change to the same
 * customer. A detached card no longer names its customer but its previous one.
 */
export function lockKeyFor(event: SyncEvent): string {
  const object = event.object;
  switch (object.kind) {
    case "subscription":
      return object.subscription.customerId;
    case "customer":
      return object.customer.id;
    case "payment_method":
      return (
        object.paymentMethod.customerId ?? object.previousCustomerId ?? object.paymentMethod.id
      );
    case "invoice":
      return object.invoice.customerId;
    case "checkout_session":
      return object.session.customerId ?? object.session.id;
    default:
      return object.id ?? event.id;
  }
}
