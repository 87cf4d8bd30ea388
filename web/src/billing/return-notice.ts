import type { Subscription } from "./use-billing.js";

/** How the visitor arrived: back from the portal or from Checkout (see ui-contract). */
export type ReturnKind = "portal" | "checkout-success" | "checkout-canceled";

export const BILLING_PATH = "/settings/billing";

/** The return URLs handed to the portal and to Checkout. */
export const returnUrls = () => {
  const page = `${window.location.origin}${BILLING_PATH}`;
  return {
    portal: `${page}?from=portal`,
    checkoutSuccess: `${page}?checkout=success`,
    checkoutCancel: `${page}?checkout=canceled`,
  };
};

export function readReturnKind(search: URLSearchParams): ReturnKind | undefined {
  if (search.get("from") === "portal") return "portal";
  const checkout = search.get("checkout");
  if (checkout === "success") return "checkout-success";
  if (checkout === "canceled") return "checkout-canceled";
  return undefined;
}

const PAYING = new Set(["active", "trialing", "past_due"]);

export const isPaying = (subscription: Subscription) =>
  subscription.status !== null && PAYING.has(subscription.status);

/**
 * A "success" return that still finds the free plan means the payment did not go
 * through (e.g. a declined card and then Back), so it reads as a cancel.
 */
export function returnNotice(kind: ReturnKind, subscription: Subscription): string {
  if (kind === "portal") return "Your subscription was updated";
  if (kind === "checkout-success" && isPaying(subscription)) return "Your subscription is active";
  return "Checkout was canceled. You have not been charged.";
}
