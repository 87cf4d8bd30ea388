"use client";

import type { EntitlementValue } from "../client/api-types.js";
import type { BillingSubjectOption } from "../provider.js";
import { useSubscription } from "./use-subscription.js";

/**
 * One entitlement of the subject's plan (`projects: 1000`, `api_access: true`); `value` is
 * undefined while loading or when the plan does not grant it. Gate the UI with it, but keep
 * enforcing on the server: the browser can be edited.
 */
export function useEntitlement(
  key: string,
  options: BillingSubjectOption = {},
): {
  value: EntitlementValue | undefined;
  isLoading: boolean;
} {
  const { subscription, isLoading } = useSubscription(options);
  return { value: subscription?.entitlements[key], isLoading };
}
