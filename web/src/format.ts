/** Dates, money and card details in the visitor's own locale. */

const locale = () => navigator.language;

/** "June 3, 2026" in en-US, "3 juin 2026" in fr: the ui-contract's `dateStyle: "long"`. */
export function formatDate(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: "long" }).format(new Date(iso));
}

/**
 * An amount in the currency's minor unit (Stripe's convention: 2900 is $29.00, 500 is
 * ¥500), shown the way the visitor's locale writes that currency.
 */
export function formatMoney(minorUnits: number, currency: string): string {
  const format = new Intl.NumberFormat(locale(), {
    style: "currency",
    currency: currency.toUpperCase(),
  });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorUnits / 10 ** digits);
}

const BRANDS: Record<string, string> = {
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

/** Stripe's `visa`, `mastercard`… as people write them. */
export function formatCardBrand(brand: string): string {
  return BRANDS[brand.toLowerCase()] ?? brand.charAt(0).toUpperCase() + brand.slice(1);
}

/** "Expires 04/2031". */
export function formatExpiry(month: number, year: number): string {
  return `Expires ${String(month).padStart(2, "0")}/${year}`;
}

const STATUS_LABELS: Record<string, string> = {
  active: "Active",
  trialing: "Trialing",
  past_due: "Past due",
  canceled: "Canceled",
  paused: "Paused",
  unpaid: "Unpaid",
  incomplete: "Incomplete",
  incomplete_expired: "Incomplete expired",
};

/** Stripe's `past_due` as "Past due"; an unknown status is still readable. */
export function formatStatus(status: string): string {
  const label = STATUS_LABELS[status];
  if (label) return label;
  const words = status.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
