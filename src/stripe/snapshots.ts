import type Stripe from "stripe";
import { replaceUnstorableText } from "../storable-values.js";
import type {
  CheckoutSessionSnapshot,
  CustomerSnapshot,
  InvoiceSnapshot,
  PaymentMethodSnapshot,
  SubscriptionSnapshot,
  SubscriptionStatus,
} from "./sync-types.js";

/** SDK objects to sync snapshots. The one place that knows where Stripe keeps each field. */

type Expandable = string | { id: string } | null | undefined;

// Every snapshot is cleaned of text PostgreSQL cannot hold (NUL, unpaired surrogates), which
// Stripe accepts in names, descriptions and metadata: one such object must not fail its sync.

export const idOf = (value: Expandable): string | null =>
  value == null ? null : typeof value === "string" ? value : value.id;

export function toSubscriptionSnapshot(subscription: Stripe.Subscription): SubscriptionSnapshot {
  const item = subscription.items.data[0];
  const pause = subscription.pause_collection;
  return replaceUnstorableText({
    id: subscription.id,
    customerId: idOf(subscription.customer) ?? "",
    livemode: subscription.livemode,
    status: subscription.status as SubscriptionStatus,
    priceId: item?.price.id ?? null,
    priceLookupKey: item?.price.lookup_key ?? null,
    productId: item ? idOf(item.price.product) : null,
    quantity: item?.quantity ?? null,
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
    cancelAt: subscription.cancel_at,
    canceledAt: subscription.canceled_at,
    cancellationReason: subscription.cancellation_details?.reason ?? null,
    // Since API 2025-03-31 the period lives on each item, not on the subscription.
    currentPeriodStart: item?.current_period_start ?? null,
    currentPeriodEnd: item?.current_period_end ?? null,
    trialEnd: subscription.trial_end,
    pauseCollection: pause ? { behavior: pause.behavior, resumesAt: pause.resumes_at } : null,
    defaultPaymentMethodId: idOf(subscription.default_payment_method),
    created: subscription.created,
  });
}

export function toCustomerSnapshot(
  customer: Stripe.Customer | Stripe.DeletedCustomer,
  livemode: boolean,
): CustomerSnapshot {
  if ("deleted" in customer && customer.deleted) {
    return replaceUnstorableText({
      id: customer.id,
      livemode,
      deleted: true,
      email: null,
      name: null,
      address: null,
      defaultPaymentMethodId: null,
    });
  }
  const live = customer as Stripe.Customer;
  const address = live.address;
  return replaceUnstorableText({
    id: live.id,
    livemode: live.livemode,
    deleted: false,
    email: live.email ?? null,
    name: live.name ?? null,
    address: address
      ? {
          line1: address.line1 ?? null,
          line2: address.line2 ?? null,
          city: address.city ?? null,
          state: address.state ?? null,
          postalCode: address.postal_code ?? null,
          country: address.country ?? null,
        }
      : null,
    defaultPaymentMethodId: idOf(live.invoice_settings?.default_payment_method),
  });
}

export function toPaymentMethodSnapshot(method: Stripe.PaymentMethod): PaymentMethodSnapshot {
  return replaceUnstorableText({
    id: method.id,
    customerId: idOf(method.customer),
    livemode: method.livemode,
    type: method.type,
    brand: method.card?.brand ?? null,
    last4: method.card?.last4 ?? null,
    expMonth: method.card?.exp_month ?? null,
    expYear: method.card?.exp_year ?? null,
    created: method.created,
  });
}

export function toInvoiceSnapshot(invoice: Stripe.Invoice): InvoiceSnapshot {
  return replaceUnstorableText({
    id: invoice.id ?? "",
    customerId: idOf(invoice.customer) ?? "",
    // API 2025-03-31 moved `invoice.subscription` under `parent.subscription_details`.
    subscriptionId: idOf(invoice.parent?.subscription_details?.subscription),
    livemode: invoice.livemode,
    number: invoice.number,
    status: invoice.status,
    currency: invoice.currency,
    amountDue: invoice.amount_due,
    amountPaid: invoice.amount_paid,
    amountRemaining: invoice.amount_remaining,
    subtotal: invoice.subtotal,
    total: invoice.total,
    hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
    invoicePdf: invoice.invoice_pdf ?? null,
    periodStart: invoice.period_start,
    periodEnd: invoice.period_end,
    created: invoice.created,
  });
}

export function toCheckoutSessionSnapshot(
  session: Stripe.Checkout.Session,
): CheckoutSessionSnapshot {
  return replaceUnstorableText({
    id: session.id,
    livemode: session.livemode,
    status: session.status,
    mode: session.mode,
    customerId: idOf(session.customer),
    subscriptionId: idOf(session.subscription),
    clientReferenceId: session.client_reference_id,
    metadata: session.metadata ?? {},
  });
}
