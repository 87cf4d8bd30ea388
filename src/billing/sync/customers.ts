import { customerDetailsTable, upsertCustomerDetails } from "../../db/billing-customer-details.js";
import { markBillingCustomerDeleted } from "../../db/billing-customers.js";
import { refreshDefaultPaymentMethod } from "../../db/billing-payment-methods.js";
import type { CustomerSnapshot, SyncEvent } from "../../stripe/sync-types.js";
import { type SyncContext, unexpectedObject } from "./sync-context.js";
import { type MirroredObject, syncObject } from "./watermark.js";

export const CUSTOMER_EVENTS = [
  "customer.created",
  "customer.updated",
  "customer.deleted",
] as const;

async function writeCustomer(ctx: SyncContext, customer: CustomerSnapshot, watermark: Date | null) {
  await upsertCustomerDetails(ctx.tx, {
    stripeCustomerId: customer.id,
    livemode: customer.livemode,
    email: customer.email,
    name: customer.name,
    address: customer.address,
    defaultPaymentMethodId: customer.defaultPaymentMethodId,
    deletedAt: customer.deleted ? new Date() : null,
    stripeUpdated: watermark,
  });
  // The portal answers 404 for a deleted customer; stop offering it to the user.
  if (customer.deleted) await markBillingCustomerDeleted(ctx.tx, customer.id);
  await refreshDefaultPaymentMethod(ctx.tx, customer.id);
}

export const mirroredCustomer: MirroredObject<CustomerSnapshot> = {
  table: customerDetailsTable,
  fetch: (stripe, id) => stripe.fetchCustomer(id),
  write: writeCustomer,
  // Stripe answers a deleted customer with `deleted: true`; a missing one is the same to us.
  remove: (ctx, id, watermark) =>
    writeCustomer(
      ctx,
      {
        id,
        livemode: ctx.livemode,
        deleted: true,
        email: null,
        name: null,
        address: null,
        defaultPaymentMethodId: null,
      },
      watermark,
    ),
};

/** `customer.*`: email, name, address and default payment method. */
export async function applyCustomerEvent(ctx: SyncContext, event: SyncEvent) {
  if (event.object.kind !== "customer") throw unexpectedObject(event);
  const { customer } = event.object;
  // `customer.deleted` carries the customer as it was, without `deleted: true`.
  return syncObject(ctx, mirroredCustomer, customer.id, {
    created: event.created,
    snapshot: event.type === "customer.deleted" ? { ...customer, deleted: true } : customer,
  });
}
