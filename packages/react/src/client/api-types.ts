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

export interface PortalRequest {
  returnUrl: string;
  flow?: { type: PortalFlowType; subscription?: string; price?: string };
  locale?: string;
}

export interface CheckoutRequest {
  plan: string;
  interval?: PriceInterval;
  successUrl?: string;
  cancelUrl?: string;
}
