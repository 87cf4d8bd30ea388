import type { PorticoMessages } from "../messages.js";
import { type Subscription, scheduledEnd } from "../store/to-subscription.js";

/** What happens next to the subscription, and when; null when nothing is scheduled. */
export function renewalText(
  subscription: Subscription,
  messages: PorticoMessages,
  formatDate: (date: Date) => string,
): string | null {
  const { status, currentPeriodEnd, trialEnd } = subscription;
  if (status === null || status === "canceled" || status === "incomplete_expired") return null;
  const end = scheduledEnd(subscription);
  if (end) return messages.cancelsOn(formatDate(end));
  if (status === "trialing" && trialEnd) return messages.trialEnds(formatDate(trialEnd));
  if (currentPeriodEnd) return messages.renewsOn(formatDate(currentPeriodEnd));
  return null;
}
