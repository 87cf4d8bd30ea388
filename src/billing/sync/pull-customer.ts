import { listPaymentMethods } from "../../db/billing-payment-methods.js";
import { mirroredCustomer } from "./customers.js";
import { mirroredInvoice } from "./invoices.js";
import { mirroredPaymentMethod } from "./payment-methods.js";
import { mirroredSubscription } from "./subscriptions.js";
import type { SyncContext } from "./sync-context.js";

/** How many recent invoices a pull reads; older ones change rarely and arrive by webhook. */
const PULLED_INVOICES = 24;

/**
 * Reads a customer's whole billing state from Stripe and writes it, for when webhooks
 * are late, lost or were never configured. Call it under the customer's lock. A pull has
 * no event time, so it leaves watermarks where they are: later events still apply.
 */
export async function pullCustomer(ctx: SyncContext, customerId: string): Promise<void> {
  const [customer, subscriptions, methods, invoices] = await Promise.all([
    ctx.stripe.fetchCustomer(customerId),
    ctx.stripe.listSubscriptions(customerId),
    ctx.stripe.listPaymentMethods(customerId),
    ctx.stripe.listInvoices(customerId, PULLED_INVOICES),
  ]);
  if (customer) await mirroredCustomer.write(ctx, customer, null);
  else await mirroredCustomer.remove(ctx, customerId, null);
  for (const subscription of subscriptions)
    await mirroredSubscription.write(ctx, subscription, null);
  for (const invoice of invoices) await mirroredInvoice.write(ctx, invoice, null);

  // Cards we hold for the customer that Stripe no longer lists were detached.
  const attached = new Set(methods.map((method) => method.id));
  for (const stale of await listPaymentMethods(ctx.tx, customerId)) {
    if (!attached.has(stale.stripePaymentMethodId)) {
      const current = await mirroredPaymentMethod.fetch(ctx.stripe, stale.stripePaymentMethodId);
      if (current) await mirroredPaymentMethod.write(ctx, current, null);
      else await mirroredPaymentMethod.remove(ctx, stale.stripePaymentMethodId, null);
    }
  }
  for (const method of methods) await mirroredPaymentMethod.write(ctx, method, null);
}
