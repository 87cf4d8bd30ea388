"use client";

import { usePortico } from "../provider.js";
import type { Subscription } from "../store/to-subscription.js";
import { useResource } from "./use-resource.js";

export interface UseSubscriptionResult {
  /** Undefined until loaded, or when the first load failed. */
  subscription: Subscription | undefined;
  isLoading: boolean;
  /** Why the first load failed; a failed later refresh keeps the last good subscription. */
  error: Error | undefined;
  refresh: () => Promise<void>;
}

/**
 * The signed-in user's subscription, shared by every caller under one provider. It reloads
 * when the tab becomes visible (and on the provider's `refreshInterval`), and syncs from
 * Stripe on a return from the portal or Checkout.
 */
export function useSubscription(): UseSubscriptionResult {
  const { store } = usePortico();
  const state = useResource(store.subscription);
  return {
    subscription: state.data,
    isLoading: state.isLoading,
    error: state.error,
    refresh: () => store.subscription.refresh(),
  };
}
