import type Stripe from "stripe";

/**
 * The local row Portico should hold for each Stripe object, field by field from the SDK's
 * object. Written independently of `src/stripe/snapshots.ts` on purpose: the tests compare
 * against Stripe's shapes, not against the code under test.
 */

const date = (seconds: number | null | undefined) =>
  seconds === null || seconds === undefined ? null : new Date(seconds * 1000);

export function expectedSubscriptionRow(subscription: Stripe.Subscription) {
  const item = subscription.items.data[0];
  return {
    stripeSubscriptionId: subscription.id,
    stripeCustomerId: subscription.customer as string,
    livemode: subscription.livemode,
    status: subscription.status,
    priceId: item?.price.id ?? null,
    productId: (item?.price.product as string | undefined) ?? null,
    quantity: item?.quantity ?? null,
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
    cancelAt: date(subscription.cancel_at),
    canceledAt: date(subscription.canceled_at),
    cancellationReason: subscription.cancellation_details?.reason ?? null,
    currentPeriodStart: date(item?.current_period_start),
    currentPeriodEnd: date(item?.current_period_end),
    trialEnd: date(subscription.trial_end),
    pauseCollection: subscription.pause_collection
      ? {
          behavior: subscription.pause_collection.behavior,
          resumesAt: subscription.pause_collection.resumes_at,
        }
      : null,
    defaultPaymentMethodId: (subscription.default_payment_method as string | null) ?? null,
    created: date(subscription.created),
  };
}

export function expectedDetails(customer: Stripe.Customer) {
  const address = customer.address;
  return {
    stripeCustomerId: customer.id,
    livemode: customer.livemode,
    email: customer.email,
    name: customer.name ?? null,
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
    defaultPaymentMethodId:
      (customer.invoice_settings.default_payment_method as string | null) ?? null,
    deletedAt: null,
  };
}

export function expectedCard(method: Stripe.PaymentMethod, isDefault: boolean) {
  return {
    stripePaymentMethodId: method.id,
    stripeCustomerId: (method.customer as string | null) ?? null,
    livemode: method.livemode,
    type: method.type,
    brand: method.card?.brand ?? null,
    last4: method.card?.last4 ?? null,
    expMonth: method.card?.exp_month ?? null,
    expYear: method.card?.exp_year ?? null,
    isDefault,
    created: new Date(method.created * 1000),
  };
}

export function expectedInvoice(invoice: Stripe.Invoice) {
  const subscription = invoice.parent?.subscription_details?.subscription ?? null;
  return {
    stripeInvoiceId: invoice.id,
    stripeCustomerId: invoice.customer as string,
    stripeSubscriptionId: subscription as string | null,
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
    periodStart: date(invoice.period_start),
    periodEnd: date(invoice.period_end),
    created: date(invoice.created),
  };
}
