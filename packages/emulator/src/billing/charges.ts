import type { Account } from "../store.js";
import { needsAuthentication } from "./authentication.js";
import type { Invoice } from "./invoice-build.js";
import { findCardOf, type PaymentMethod } from "./payment-methods.js";
import type { CardDecline } from "./test-cards.js";

export type ChargeOutcome =
  | { ok: true; paymentMethod: string | null }
  | { ok: false; paymentMethod: string | null; decline: CardDecline }
  /** The card needs 3-D Secure: the customer has to authenticate before it is charged. */
  | { ok: false; paymentMethod: string; decline: null; requiresAction: true };

/** Stripe's order: the invoice's own method, the subscription's, then the customer's default. */
export function findChargeMethod(account: Account, invoice: Invoice): PaymentMethod | null {
  const subscriptionId = invoice.parent?.subscription_details?.subscription;
  const subscription =
    typeof subscriptionId === "string"
      ? account.collections.subscription.get(subscriptionId)
      : undefined;
  const customerId = typeof invoice.customer === "string" ? invoice.customer : null;
  const customer = customerId ? account.collections.customer.get(customerId) : undefined;
  const candidates = [
    invoice.default_payment_method,
    subscription?.default_payment_method,
    customer && !("deleted" in customer) ? customer.invoice_settings.default_payment_method : null,
  ];
  for (const candidate of candidates) {
    const id = typeof candidate === "string" ? candidate : candidate?.id;
    const paymentMethod = id ? account.collections.payment_method.get(id) : undefined;
    if (paymentMethod) return paymentMethod;
  }
  return null;
}

/**
 * Charges an invoice's amount. Emulator convenience: a customer with no payment method at
 * all is treated as paying out of band, so code that never sets up cards still sees active
 * subscriptions; declines only come from declining test cards.
 */
export function attemptCharge(
  account: Account,
  invoice: Invoice,
  paymentMethodId?: string,
): ChargeOutcome {
  const paymentMethod = paymentMethodId
    ? (account.collections.payment_method.get(paymentMethodId) ?? null)
    : findChargeMethod(account, invoice);
  if (invoice.amount_remaining <= 0 || !paymentMethod) {
    return { ok: true, paymentMethod: paymentMethod?.id ?? null };
  }
  const decline = findCardOf(paymentMethod)?.decline ?? null;
  if (decline) return { ok: false, paymentMethod: paymentMethod.id, decline };
  if (needsAuthentication(account, paymentMethod)) {
    return { ok: false, paymentMethod: paymentMethod.id, decline: null, requiresAction: true };
  }
  return { ok: true, paymentMethod: paymentMethod.id };
}
