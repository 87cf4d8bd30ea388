/**
 * The wire shapes of Portico's billing routes (see Portico's `src/http/schemas/billing.ts`).
 * Copied rather than imported so the package never pulls the server into a browser bundle.
 */

export interface PaymentMethod {
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

export type EntitlementValue = boolean | number | string;

/** `GET {base}/subscription`: dates are ISO strings and `plan` is a plan key. */
export interface SubscriptionData {
  plan: string;
  status: string | null;
  currentPeriodEnd: string | null;
  cancelAtPeriodEnd: boolean;
  cancelAt: string | null;
  trialEnd: string | null;
  paymentMethod: PaymentMethod | null;
  entitlements: Record<string, EntitlementValue>;
  hasCustomer: boolean;
  /** The per-seat subscription's quantity; null when the plan is not per-seat or unsubscribed. */
  seats: number | null;
}

export type PriceInterval = "monthly" | "annual";

export interface PriceSummary {
  lookupKey: string;
  /** Minor units: 2900 is $29.00. */
  amount: number;
  currency: string;
}

/** One plan of `GET {base}/plans`; a free plan has no prices. */
export interface Plan {
  key: string;
  name: string;
  description: string | null;
  features: string[];
  trialPeriodDays: number | null;
  prices: Record<PriceInterval, PriceSummary | null>;
  /** How many seats a per-seat plan may be bought with; null for a plan priced per subject. */
  seats: SeatLimits | null;
}

export interface SeatLimits {
  minimum: number;
  /** Null: no upper limit. */
  maximum: number | null;
}

export interface Invoice {
  id: string;
  number: string | null;
  status: string | null;
  currency: string;
  total: number;
  amountDue: number;
  amountPaid: number;
  created: string;
  periodStart: string | null;
  periodEnd: string | null;
  hostedInvoiceUrl: string | null;
  invoicePdf: string | null;
}

export interface InvoicePage {
  invoices: Invoice[];
  /** Null on the last page. */
  nextCursor: string | null;
}

export type PortalFlowType =
  | "payment_method_update"
  | "customer_update"
  | "subscription_cancel"
  | "subscription_update"
  | "subscription_pause"
  | "subscription_update_confirm";

/**
 * Who a billing call is for: an organization the signed-in user belongs to, or, without
 * `organizationId`, the user. Portico answers 404 NOT_FOUND for an organization the user may
 * not see, or may see but not manage (portal, checkout, seats).
 */
export interface BillingSubject {
  /** 1 to 255 characters, the host app's own organization id. */
  organizationId?: string;
}

export interface PortalRequest extends BillingSubject {
  returnUrl: string;
  flow?: { type: PortalFlowType; subscription?: string; price?: string };
  locale?: string;
}

export interface CheckoutRequest extends BillingSubject {
  plan: string;
  interval?: PriceInterval;
  /** For a per-seat plan: an integer ≥ 1, within the plan's `seats` limits. */
  seats?: number;
  successUrl?: string;
  cancelUrl?: string;
}

/** `POST {base}/seats`: answers the updated subscription view. */
export interface SeatsRequest extends BillingSubject {
  seats: number;
}
