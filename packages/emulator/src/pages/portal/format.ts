import type Stripe from "stripe";
import type { Account } from "../../store.js";
import type { Wire } from "../../wire.js";

/** Currencies Stripe counts in whole units rather than cents. */
const ZERO_DECIMAL = new Set([
  "bif",
  "clp",
  "djf",
  "gnf",
  "jpy",
  "kmf",
  "krw",
  "mga",
  "pyg",
  "rwf",
  "ugx",
  "vnd",
  "vuv",
  "xaf",
  "xof",
  "xpf",
]);

export function formatMoney(amount: number, currency: string): string {
  const units = ZERO_DECIMAL.has(currency.toLowerCase()) ? amount : amount / 100;
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: currency.toUpperCase(),
  }).format(units);
}

/** Dates render in UTC so the page reads the same on every machine running the tests. */
export function formatDate(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleDateString("en-US", {
    year: "numeric",
    month: "long",
    day: "numeric",
    timeZone: "UTC",
  });
}

/** "$20.00 per month", "$50.00 every 3 months". */
export function describePrice(price: Wire<Stripe.Price>): string {
  const amount = formatMoney(price.unit_amount ?? 0, price.currency);
  const recurring = price.recurring;
  if (!recurring) return amount;
  return recurring.interval_count === 1
    ? `${amount} per ${recurring.interval}`
    : `${amount} every ${recurring.interval_count} ${recurring.interval}s`;
}

export function findProductName(account: Account, productId: string | { id: string }): string {
  const id = typeof productId === "string" ? productId : productId.id;
  return account.collections.product.get(id)?.name ?? "Plan";
}

/** "Return to app.example.com": the portal names where the link goes, as Stripe's does. */
export function describeReturnLink(url: string): string {
  try {
    return `Return to ${new URL(url).host}`;
  } catch {
    return "Return";
  }
}

const BRAND_NAMES: Record<string, string> = {
  amex: "American Express",
  mastercard: "Mastercard",
  visa: "Visa",
  discover: "Discover",
};

/** "Visa •••• 4242", the way Stripe's portal names a card. */
export function describeCard(card: { brand: string; last4: string }): string {
  return `${BRAND_NAMES[card.brand] ?? card.brand} •••• ${card.last4}`;
}

export function formatExpiry(card: { exp_month: number; exp_year: number }): string {
  return `${String(card.exp_month).padStart(2, "0")}/${String(card.exp_year % 100).padStart(2, "0")}`;
}
