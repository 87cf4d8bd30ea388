import type { Subscription } from "../billing/use-billing.js";
import { formatDate } from "../format.js";

/** What happens next to the subscription, and when; null when nothing is scheduled. */
export function renewalText(subscription: Subscription): string | null {
  const { status, currentPeriodEnd, cancelAtPeriodEnd, cancelAt, trialEnd } = subscription;
  if (status === null || status === "canceled" || status === "incomplete_expired") return null;
  if (cancelAtPeriodEnd && currentPeriodEnd) return `Cancels on ${formatDate(currentPeriodEnd)}`;
  if (cancelAt) return `Cancels on ${formatDate(cancelAt)}`;
  if (status === "trialing" && trialEnd) return `Trial ends ${formatDate(trialEnd)}`;
  if (currentPeriodEnd) return `Renews on ${formatDate(currentPeriodEnd)}`;
  return null;
}

export function RenewalLine({ subscription }: { subscription: Subscription }) {
  const text = renewalText(subscription);
  if (!text) return null;
  return (
    <p className="renewal" data-testid="renewal">
      {text}
    </p>
  );
}
