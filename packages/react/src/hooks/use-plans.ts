"use client";

import type { Plan } from "../client/api-types.js";
import { usePortico } from "../provider.js";
import { useResource } from "./use-resource.js";

/** The plans in `portico.config.json` order, loaded once per provider. */
export function usePlans(): {
  plans: Plan[] | undefined;
  isLoading: boolean;
  error: Error | undefined;
} {
  const { store } = usePortico();
  const state = useResource(store.plans);
  return { plans: state.data, isLoading: state.isLoading, error: state.error };
}
