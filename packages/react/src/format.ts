import type { PorticoRequestError } from "./client/request-error.js";
import type { PorticoMessages } from "./messages.js";

/** Dates and money in the visitor's own locale (`undefined` lets Intl pick it). */

export function formatDate(date: Date, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "long" }).format(date);
}

/** Stripe's minor units (2900 is $29.00, 500 is ¥500) in the locale's way of writing them. */
export function formatMoney(minorUnits: number, currency: string, locale?: string): string {
  const format = new Intl.NumberFormat(locale, {
    style: "currency",
    currency: currency.toUpperCase(),
  });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorUnits / 10 ** digits);
}

const CARD_BRANDS: Partial<Record<string, string>> = {
  amex: "Amex",
  american_express: "Amex",
  diners: "Diners Club",
  discover: "Discover",
  eftpos_au: "eftpos",
  jcb: "JCB",
  mastercard: "Mastercard",
  unionpay: "UnionPay",
  visa: "Visa",
};

/** Stripe's `visa`, `american_express`… as people write them. */
export function formatCardBrand(brand: string): string {
  return CARD_BRANDS[brand.toLowerCase()] ?? brand.charAt(0).toUpperCase() + brand.slice(1);
}

/** `past_due` as "Past due"; a status Stripe adds later is still readable. */
export function formatStatus(status: string, messages: PorticoMessages): string {
  const label = messages.statuses[status];
  if (label) return label;
  const words = status.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The alert text for a failed request: the host's wording by code, else Portico's message. */
export function describeError(error: unknown, messages: PorticoMessages): string {
  if (!isRequestError(error)) return messages.genericError;
  if (error.code === "NETWORK_ERROR") return messages.networkError;
  return messages.errors[error.code] ?? error.message;
}

// By shape rather than instanceof: two copies of the package in one bundle still agree.
const isRequestError = (error: unknown): error is PorticoRequestError =>
  error instanceof Error && error.name === "PorticoRequestError";
