import { findCardOf, type PaymentMethod } from "./payment-methods.js";
import type { CardDecline } from "./test-cards.js";

/** Shared by SetupIntents and PaymentIntents: how a test card answers each. */

/** Cards Stripe lets through a setup (no money moves) that decline only when charged. */
const CHARGE_ONLY_DECLINES = new Set(["4000000000000341"]);

export function declineOf(paymentMethod: PaymentMethod, charging: boolean): CardDecline | null {
  const card = findCardOf(paymentMethod);
  if (!card?.decline) return null;
  if (!charging && CHARGE_ONLY_DECLINES.has(card.number)) return null;
  return card.decline;
}

/** `last_setup_error` / `last_payment_error`: the card error, naming the payment method. */
export function toLastError(decline: CardDecline, paymentMethod: PaymentMethod) {
  return {
    code: decline.code,
    decline_code: decline.decline_code,
    doc_url: `https://docs.stripe.com/error-codes/${decline.code.replaceAll("_", "-")}`,
    message: decline.message,
    payment_method: paymentMethod,
    type: "card_error" as const,
  };
}
