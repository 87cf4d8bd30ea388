import { createHash } from "node:crypto";
import type Stripe from "stripe";
import { type EventOrigin, emitEvent } from "../events.js";
import { invalidRequest, StripeApiError } from "../http/errors.js";
import { generateId } from "../ids.js";
import { requireLiveCustomer, requireObject } from "../resources/lookup.js";
import { type Account, saveObject } from "../store.js";
import type { Wire } from "../wire.js";
import { createEmptyAddress } from "./checkout-build.js";
import { findTestCard, isCardToken, listTestCards, type TestCard } from "./test-cards.js";

export type PaymentMethod = Wire<Stripe.PaymentMethod>;
export type CardExpiry = { month: number; year: number };

export type CardInput = {
  /** A `pm_card_*` / `tok_*` token or a test card number. */
  numberOrToken: string;
  expiry?: CardExpiry;
  billingDetails?: { email?: string | null; name?: string | null; address?: Stripe.Address };
  metadata?: Stripe.Metadata;
};

/** Stripe's message for numbers that are not test cards (test mode refuses real cards). */
export function invalidCardNumber(param = "card[number]"): StripeApiError {
  return new StripeApiError("Your card number is incorrect.", {
    status: 402,
    type: "card_error",
    code: "incorrect_number",
    param,
  });
}

/** Test cards default to an expiry a few years out, as Stripe's `pm_card_*` objects do. */
function defaultExpiry(now: number): CardExpiry {
  const year = new Date(now * 1000).getUTCFullYear() + 3;
  return { month: 12, year };
}

/** A fingerprint is stable per card number within an account, never the number itself. */
function fingerprintOf(account: Account, number: string): string {
  return createHash("sha256").update(`${account.id}:${number}`).digest("base64url").slice(0, 16);
}

function buildCard(account: Account, test: TestCard, expiry: CardExpiry) {
  return {
    brand: test.brand,
    checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
    country: test.country,
    display_brand: test.brand === "amex" ? "american_express" : test.brand,
    exp_month: expiry.month,
    exp_year: expiry.year,
    fingerprint: fingerprintOf(account, test.number),
    funding: test.funding,
    generated_from: null,
    last4: test.number.slice(-4),
    networks: { available: [test.brand], preferred: null },
    regulated_status: "unregulated",
    three_d_secure_usage: { supported: true },
    wallet: null,
  } satisfies Wire<Stripe.PaymentMethod.Card>;
}

/**
 * The test card a stored payment method was made from, for charging it. Every test card
 * has distinct last four digits, so the stored object alone identifies it (and survives
 * persistence without a side table).
 */
export function findCardOf(paymentMethod: PaymentMethod): TestCard | undefined {
  const last4 = paymentMethod.card?.last4;
  return last4 ? listTestCards().find((entry) => entry.number.endsWith(last4)) : undefined;
}

/** Creates an unattached `pm_…` card, as `POST /v1/payment_methods` or a hosted page does. */
export function createCardPaymentMethod(account: Account, input: CardInput): PaymentMethod {
  const test = findTestCard(input.numberOrToken);
  if (!test) throw invalidCardNumber(isCardToken(input.numberOrToken) ? "card[token]" : undefined);
  const now = account.clock.now();
  const paymentMethod = {
    id: generateId("pm"),
    object: "payment_method",
    allow_redisplay: "unspecified",
    billing_details: {
      address: input.billingDetails?.address ?? createEmptyAddress(),
      email: input.billingDetails?.email ?? null,
      name: input.billingDetails?.name ?? null,
      phone: null,
      tax_id: null,
    },
    card: buildCard(account, test, input.expiry ?? defaultExpiry(now)),
    created: now,
    customer: null,
    customer_account: null,
    livemode: account.livemode,
    metadata: input.metadata ?? {},
    type: "card",
  } satisfies PaymentMethod;
  return saveObject(account, "payment_method", paymentMethod);
}

/**
 * Looks up a payment method id; a `pm_card_*` token instead creates a fresh card, which is
 * what Stripe does when a token is passed where a payment method id is expected.
 */
export function resolvePaymentMethod(account: Account, id: string, param?: string): PaymentMethod {
  if (isCardToken(id)) return createCardPaymentMethod(account, { numberOrToken: id });
  return requireObject(account, "payment_method", id, param);
}

export function attachPaymentMethod(
  account: Account,
  paymentMethodId: string,
  customerId: string,
  origin?: EventOrigin,
): PaymentMethod {
  const customer = requireLiveCustomer(account, customerId, "customer");
  const before = resolvePaymentMethod(account, paymentMethodId);
  if (before.customer === customer.id) return before;
  if (before.customer) {
    throw invalidRequest(
      "The payment method you provided has already been attached to a customer.",
      undefined,
      "payment_method_unexpected_state",
    );
  }
  const attached = saveObject(account, "payment_method", { ...before, customer: customer.id });
  emitEvent(account, "payment_method.attached", attached, undefined, origin);
  return attached;
}

export function detachPaymentMethod(
  account: Account,
  paymentMethodId: string,
  origin?: EventOrigin,
): PaymentMethod {
  const before = requireObject(account, "payment_method", paymentMethodId);
  if (!before.customer) {
    throw invalidRequest(
      "The payment method you provided is not attached to a customer so detachment is impossible.",
      undefined,
      "payment_method_unexpected_state",
    );
  }
  const customerId = typeof before.customer === "string" ? before.customer : before.customer.id;
  const detached = saveObject(account, "payment_method", { ...before, customer: null });
  // Stripe clears the customer's default when its payment method goes away.
  const customer = account.collections.customer.get(customerId);
  if (customer && !("deleted" in customer)) {
    if (customer.invoice_settings.default_payment_method === paymentMethodId) {
      setDefaultPaymentMethod(account, customerId, null, origin);
    }
  }
  emitEvent(account, "payment_method.detached", detached, { customer: customerId }, origin);
  return detached;
}

/** The payment method must be attached to the customer, as Stripe requires. */
export function requireAttachedPaymentMethod(
  account: Account,
  customerId: string,
  paymentMethodId: string,
  param: string,
): PaymentMethod {
  const paymentMethod = requireObject(account, "payment_method", paymentMethodId, param);
  if (paymentMethod.customer !== customerId) {
    throw invalidRequest(
      `The customer does not have a payment method with the ID ${paymentMethodId}. The payment method must be attached to the customer.`,
      param,
      "resource_missing",
    );
  }
  return paymentMethod;
}

/**
 * Sets (or clears with null) `invoice_settings.default_payment_method` and records
 * `customer.updated` with only the changed nested field, as Stripe does.
 */
export function setDefaultPaymentMethod(
  account: Account,
  customerId: string,
  paymentMethodId: string | null,
  origin?: EventOrigin,
): Wire<Stripe.Customer> {
  const before = requireLiveCustomer(account, customerId, "customer");
  if (paymentMethodId) {
    requireAttachedPaymentMethod(
      account,
      customerId,
      paymentMethodId,
      "invoice_settings[default_payment_method]",
    );
  }
  const previous = before.invoice_settings.default_payment_method;
  if (previous === paymentMethodId) return before;
  const after: Wire<Stripe.Customer> = {
    ...before,
    invoice_settings: { ...before.invoice_settings, default_payment_method: paymentMethodId },
  };
  saveObject(account, "customer", after);
  emitEvent(
    account,
    "customer.updated",
    after,
    { invoice_settings: { default_payment_method: previous } },
    origin,
  );
  return after;
}

export function updatePaymentMethodDetails(
  account: Account,
  paymentMethodId: string,
  changes: { expiry?: CardExpiry; metadata?: Stripe.Metadata; name?: string | null },
  origin?: EventOrigin,
): PaymentMethod {
  const before = requireObject(account, "payment_method", paymentMethodId);
  const card = before.card;
  const after: PaymentMethod = {
    ...before,
    ...(card && changes.expiry
      ? { card: { ...card, exp_month: changes.expiry.month, exp_year: changes.expiry.year } }
      : {}),
    billing_details: {
      ...before.billing_details,
      name: changes.name === undefined ? before.billing_details.name : changes.name,
    },
    metadata: changes.metadata ?? before.metadata,
  };
  const previous: Record<string, unknown> = {};
  if (JSON.stringify(before.card) !== JSON.stringify(after.card)) previous.card = before.card;
  if (JSON.stringify(before.metadata) !== JSON.stringify(after.metadata)) {
    previous.metadata = before.metadata;
  }
  if (before.billing_details.name !== after.billing_details.name) {
    previous.billing_details = before.billing_details;
  }
  saveObject(account, "payment_method", after);
  if (Object.keys(previous).length > 0) {
    emitEvent(account, "payment_method.updated", after, previous, origin);
  }
  return after;
}
