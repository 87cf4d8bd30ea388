/**
 * Stripe objects as subscription sync sees them: only the fields Portico keeps, times in
 * unix seconds, ids instead of expandable objects. `snapshots.ts` builds them from SDK
 * objects, so nothing outside `stripe/` touches the SDK's shapes.
 */

/** Stripe's subscription statuses today; stored as text so a new one needs no migration. */
export type SubscriptionStatus =
  | "incomplete"
  | "incomplete_expired"
  | "trialing"
  | "active"
  | "past_due"
  | "canceled"
  | "unpaid"
  | "paused";

export interface SubscriptionSnapshot {
  id: string;
  customerId: string;
  livemode: boolean;
  status: SubscriptionStatus;
  /** The first item's price: Portico sells one plan per subscription. */
  priceId: string | null;
  priceLookupKey: string | null;
  productId: string | null;
  quantity: number | null;
  cancelAtPeriodEnd: boolean;
  cancelAt: number | null;
  canceledAt: number | null;
  cancellationReason: string | null;
  /** From the first subscription item (API 2025-03-31 and later). */
  currentPeriodStart: number | null;
  currentPeriodEnd: number | null;
  trialEnd: number | null;
  pauseCollection: { behavior: string; resumesAt: number | null } | null;
  defaultPaymentMethodId: string | null;
  created: number;
}

export interface CustomerSnapshot {
  id: string;
  livemode: boolean;
  deleted: boolean;
  email: string | null;
  name: string | null;
  address: CustomerAddress | null;
  defaultPaymentMethodId: string | null;
}

export interface CustomerAddress {
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
}

export interface PaymentMethodSnapshot {
  id: string;
  /** Null once detached. */
  customerId: string | null;
  livemode: boolean;
  type: string;
  brand: string | null;
  last4: string | null;
  expMonth: number | null;
  expYear: number | null;
  created: number;
}

export interface InvoiceSnapshot {
  id: string;
  customerId: string;
  subscriptionId: string | null;
  livemode: boolean;
  number: string | null;
  status: string | null;
  currency: string;
  amountDue: number;
  amountPaid: number;
  amountRemaining: number;
  subtotal: number;
  total: number;
  hostedInvoiceUrl: string | null;
  invoicePdf: string | null;
  periodStart: number | null;
  periodEnd: number | null;
  created: number;
}

export interface CheckoutSessionSnapshot {
  id: string;
  livemode: boolean;
  status: string | null;
  mode: string;
  customerId: string | null;
  subscriptionId: string | null;
  clientReferenceId: string | null;
  metadata: Record<string, string>;
}

/** What an event is about, converted; `other` for types sync does not read. */
export type SyncEventObject =
  | { kind: "subscription"; subscription: SubscriptionSnapshot }
  | { kind: "customer"; customer: CustomerSnapshot }
  | {
      kind: "payment_method";
      paymentMethod: PaymentMethodSnapshot;
      /** `payment_method.detached` names the customer only in `previous_attributes`. */
      previousCustomerId: string | null;
    }
  | { kind: "invoice"; invoice: InvoiceSnapshot }
  | { kind: "checkout_session"; session: CheckoutSessionSnapshot }
  | { kind: "other"; id: string | null };

export interface SyncEvent {
  id: string;
  type: string;
  /** Unix seconds, one-second resolution: two events may share it. */
  created: number;
  livemode: boolean;
  object: SyncEventObject;
}
