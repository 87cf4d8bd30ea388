"use client";

import { useMemo } from "react";
import type { PaymentMethod } from "../client/api-types.js";
import { renewalText } from "../components/renewal-text.js";
import { formatCardBrand, formatDate, formatMoney, formatStatus } from "../format.js";
import type { MessageOverrides } from "../messages.js";
import { useMessages, usePortico } from "../provider.js";
import type { Subscription } from "../store/to-subscription.js";

export type BillingFormat = ReturnType<typeof useBillingFormat>;

/**
 * The components' own wording and formats, for a host that lays out its billing page itself:
 * dates and money in the provider's `locale`, texts from its `messages` (and `overrides`).
 */
export function useBillingFormat(overrides?: MessageOverrides) {
  const { locale } = usePortico();
  const messages = useMessages(overrides);
  return useMemo(() => {
    const date = (value: Date | string) =>
      formatDate(typeof value === "string" ? new Date(value) : value, locale);
    return {
      messages,
      /** "June 3, 2026" in en-US, "3 juin 2026" in fr. */
      date,
      /** Minor units in the locale's way: `money(2900, "usd")` is "$29.00" in en-US. */
      money: (minorUnits: number, currency: string) => formatMoney(minorUnits, currency, locale),
      /** Stripe's `past_due` as `messages.statuses.past_due`. */
      status: (status: string) => formatStatus(status, messages),
      /** `visa` as "Visa". */
      cardBrand: formatCardBrand,
      /** "Expires 12/2034". */
      cardExpiry: (card: PaymentMethod) => messages.cardExpires(card.expMonth, card.expYear),
      /** "Renews on …", "Cancels on …", "Trial ends …", or null when nothing is scheduled. */
      renewal: (subscription: Subscription) => renewalText(subscription, messages, date),
    };
  }, [locale, messages]);
}
