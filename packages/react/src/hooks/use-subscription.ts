"use client";

import { type BillingSubjectOption, useBillingSubject } from "../provider.js";
import type { Subscription } from "../store/to-subscription.js";
import { useResource } from "./use-resource.js";

export interface UseSubscriptionResult {
  /** Undefined until loaded, or when the first load failed. */
  subscription: Subscription | undefined;
  isLoading: boolean;
  /** Why the first load failed; a failed later refresh keeps the last good subscription. */
  error: Error | undefined;
  refresh: () => Promise<void>;
  /**
   * Changes the quantity of a per-seat subscription (an integer within the plan's `seats`
   * limits). Resolves once every caller shows Portico's answer; rejects with
   * `PorticoRequestError` (404 NOT_FOUND for a member who may not manage billing).
   */
  updateSeats: (seats: number) => Promise<void>;
}

/**
 * The subscription of the signed-in user, or of an organization (`organizationId`, default
 * the provider's), shared by every caller for that subject under one provider. It reloads
 * when the tab becomes visible (and on the provider's `refreshInterval`), and syncs from
 * Stripe on a return from the portal or Checkout.
 */
export function useSubscription(options: BillingSubjectOption = {}): UseSubscriptionResult {
  const { subject } = useBillingSubject(options.organizationId);
  const state = useResource(subject.subscription);
  return {
    subscription: state.data,
    isLoading: state.isLoading,
    error: state.error,
    refresh: () => subject.subscription.refresh(),
    updateSeats: (seats) => subject.updateSeats(seats),
  };
}
