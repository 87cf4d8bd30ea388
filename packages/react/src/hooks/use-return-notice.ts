"use client";

import type { MessageOverrides } from "../messages.js";
import { type BillingSubjectOption, useBillingSubject, usePortico } from "../provider.js";
import type { SubscriptionChange } from "../store/diff-subscription.js";
import { type BillingFormat, useBillingFormat } from "./use-billing-format.js";
import { useSubscription } from "./use-subscription.js";

/**
 * The line to show after a return from the portal or Checkout, once the subscription synced
 * from Stripe has loaded; undefined on an ordinary visit, or when the return was for another
 * subject. After the portal it says what changed since the user left for it (a cancellation
 * and its date, a plan, seats, a card), and nothing when nothing did or when this tab did not
 * leave from here. A "success" return that still finds no paid plan means the payment did
 * not go through (a declined card, then Back): it reads as a cancel; one into a trial says
 * when the trial ends, as the status badge says "Trialing". Show it in a `role="status"`
 * region so screen readers announce it.
 */
export function useReturnNotice(
  overrides?: MessageOverrides,
  options: BillingSubjectOption = {},
): string | undefined {
  const { returned } = usePortico();
  const { organizationId } = useBillingSubject(options.organizationId);
  const { subscription } = useSubscription({ organizationId });
  const format = useBillingFormat(overrides);
  const { messages } = format;
  if (!returned || returned.organizationId !== organizationId || !subscription) return undefined;
  if (returned.kind === "portal") return describeChanges(returned.changes, format);
  if (returned.kind !== "checkout-success" || !subscription.plan) return messages.checkoutCanceled;
  const { status, trialEnd } = subscription;
  if (status === "trialing" && trialEnd) return messages.trialStarted(format.date(trialEnd));
  return messages.checkoutSucceeded;
}

function describeChanges(changes: SubscriptionChange[], format: BillingFormat) {
  const sentences = changes.map((change) => describeChange(change, format));
  return sentences.length > 0 ? sentences.join(" ") : undefined;
}

function describeChange(
  change: SubscriptionChange,
  { messages, date, cardBrand }: BillingFormat,
): string {
  switch (change.type) {
    case "canceled":
      return messages.portalCanceled;
    case "ends":
      return messages.portalEnds(date(change.date));
    case "resumed":
      return messages.portalResumed;
    case "plan":
      return messages.portalPlanChanged(change.name);
    case "seats":
      return messages.portalSeatsChanged(change.seats);
    case "card":
      return messages.portalCardUpdated(cardBrand(change.brand), change.last4);
  }
}
