import type Stripe from "stripe";
import { generateId, generateRandomString } from "../ids.js";
import type { Account, CheckoutLineItems, CheckoutPaymentIntentData } from "../store.js";
import type { Wire } from "../wire.js";
import { productNameOf } from "./invoice-build.js";

export type CheckoutSession = Wire<Stripe.Checkout.Session>;
type Price = Wire<Stripe.Price>;

/** Stripe's Checkout Sessions stay open for 24 hours unless `expires_at` says otherwise. */
export const SESSION_LIFETIME_SECONDS = 24 * 60 * 60;

export type SessionInput = {
  mode: "subscription" | "setup" | "payment";
  customer: string | null;
  customerEmail: string | null;
  clientReferenceId: string | null;
  metadata: Stripe.Metadata;
  successUrl: string | null;
  cancelUrl: string | null;
  allowPromotionCodes: boolean | null;
  currency: string | null;
  expiresAt: number | null;
  lines: { price: Price; quantity: number }[];
  /** Kept on the session so completion can create the subscription Stripe-style. */
  subscriptionData: { metadata: Stripe.Metadata; trialPeriodDays: number | null };
  paymentIntentData: CheckoutPaymentIntentData | null;
  /** Only `mode=payment` may skip creating a customer; Stripe's default there is `if_required`. */
  customerCreation: "always" | "if_required" | null;
};

/** Live ids are longer than other objects': `cs_test_` plus 58 characters. */
export function generateSessionId(livemode: boolean): string {
  return `cs_${livemode ? "live" : "test"}_${generateRandomString(58)}`;
}

export function buildLineItems(
  account: Account,
  sessionId: string,
  input: SessionInput,
): CheckoutLineItems {
  return {
    subscription_data: {
      metadata: input.subscriptionData.metadata,
      trial_period_days: input.subscriptionData.trialPeriodDays,
    },
    ...(input.paymentIntentData ? { payment_intent_data: input.paymentIntentData } : {}),
    id: sessionId,
    object: "list",
    data: input.lines.map(({ price, quantity }) => {
      const amount = (price.unit_amount ?? 0) * quantity;
      return {
        id: generateId("li"),
        object: "item",
        adjustable_quantity: null,
        amount_discount: 0,
        amount_subtotal: amount,
        amount_tax: 0,
        amount_total: amount,
        currency: price.currency,
        description: productNameOf(account, price),
        metadata: {},
        price,
        quantity,
      } satisfies Wire<Stripe.LineItem>;
    }),
    has_more: false,
    url: `/v1/checkout/sessions/${sessionId}/line_items`,
  };
}

/** Stripe sends an address of nulls, not null, once details were collected. */
export function createEmptyAddress(): Stripe.Address {
  return { city: null, country: null, line1: null, line2: null, postal_code: null, state: null };
}

export function buildSession(
  account: Account,
  id: string,
  url: string,
  input: SessionInput,
): CheckoutSession {
  const now = account.clock.now();
  // A trial's first invoice is $0, and Stripe's session totals say what is due today.
  const amount = input.subscriptionData.trialPeriodDays
    ? 0
    : input.lines.reduce((sum, line) => sum + (line.price.unit_amount ?? 0) * line.quantity, 0);
  const priced = input.mode !== "setup";
  return {
    id,
    object: "checkout.session",
    adaptive_pricing: null,
    after_expiration: null,
    allow_promotion_codes: input.allowPromotionCodes,
    allowed_payment_method_types: null,
    amount_subtotal: priced ? amount : null,
    amount_total: priced ? amount : null,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: input.cancelUrl,
    client_reference_id: input.clientReferenceId,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: now,
    currency: input.lines[0]?.price.currency ?? input.currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: {
      after_submit: null,
      shipping_address: null,
      submit: null,
      terms_of_service_acceptance: null,
    },
    customer: input.customer,
    customer_account: null,
    customer_creation: input.customer
      ? null
      : input.mode === "payment"
        ? (input.customerCreation ?? "if_required")
        : "always",
    customer_details: input.customerEmail
      ? {
          address: null,
          business_name: null,
          email: input.customerEmail,
          individual_name: null,
          name: null,
          phone: null,
          tax_exempt: "none",
          tax_ids: null,
        }
      : null,
    customer_email: input.customerEmail,
    discounts: [],
    expires_at: input.expiresAt ?? now + SESSION_LIFETIME_SECONDS,
    integration_identifier: null,
    invoice: null,
    invoice_creation: null,
    livemode: account.livemode,
    locale: null,
    managed_payments: null,
    metadata: input.metadata,
    mode: input.mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: priced ? "always" : null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ["card"],
    payment_status: priced ? "unpaid" : "no_payment_required",
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: "open",
    submit_type: null,
    subscription: null,
    success_url: input.successUrl,
    total_details: priced ? { amount_discount: 0, amount_shipping: 0, amount_tax: 0 } : null,
    ui_mode: "hosted_page",
    url,
    wallet_options: null,
  } satisfies CheckoutSession;
}

/** Stripe fills `customer_details` from what was entered once the session completes. */
export function completedCustomerDetails(
  email: string | null,
  name: string | null,
): CheckoutSession["customer_details"] {
  return {
    address: createEmptyAddress(),
    business_name: null,
    email,
    individual_name: null,
    name,
    phone: null,
    tax_exempt: "none",
    tax_ids: [],
  };
}
