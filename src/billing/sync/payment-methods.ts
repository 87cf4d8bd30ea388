import {
  deletePaymentMethod,
  paymentMethodsTable,
  refreshDefaultPaymentMethod,
  upsertPaymentMethod,
} from "../../db/billing-payment-methods.js";
import type { PaymentMethodSnapshot, SyncEvent } from "../../stripe/sync-types.js";
import { type SyncContext, unexpectedObject } from "./sync-context.js";
import { fromUnix, type MirroredObject, syncObject } from "./watermark.js";

export const PAYMENT_METHOD_EVENTS = [
  "payment_method.attached",
  "payment_method.detached",
  "payment_method.updated",
  "payment_method.automatically_updated",
] as const;

export const mirroredPaymentMethod: MirroredObject<PaymentMethodSnapshot> = {
  table: paymentMethodsTable,
  fetch: (stripe, id) => stripe.fetchPaymentMethod(id),
  async write(ctx, method, watermark) {
    // A detached card keeps its row with no customer, so a late `attached` stays stale.
    await upsertPaymentMethod(ctx.tx, {
      stripePaymentMethodId: method.id,
      stripeCustomerId: method.customerId,
      livemode: method.livemode,
      type: method.type,
      brand: method.brand,
      last4: method.last4,
      expMonth: method.expMonth,
      expYear: method.expYear,
      created: fromUnix(method.created) ?? new Date(0),
      stripeUpdated: watermark,
    });
    if (method.customerId) await refreshDefaultPaymentMethod(ctx.tx, method.customerId);
  },
  remove: (ctx, id) => deletePaymentMethod(ctx.tx, id),
};

/** `payment_method.*`: the card's brand, last four digits, expiry and owner. */
export async function applyPaymentMethodEvent(ctx: SyncContext, event: SyncEvent) {
  if (event.object.kind !== "payment_method") throw unexpectedObject(event);
  const { paymentMethod } = event.object;
  return syncObject(ctx, mirroredPaymentMethod, paymentMethod.id, {
    created: event.created,
    snapshot: paymentMethod,
  });
}
