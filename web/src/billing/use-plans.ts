import { useEffect, useState } from "react";
import { api, call, type DataOf } from "../api/client.js";

export type Plan = DataOf<typeof api.billing.plans.$get>["plans"][number];
export type Interval = "monthly" | "annual";

// The catalog changes only when Portico restarts: one request per page load is plenty.
let catalog: Promise<Plan[]> | undefined;

function loadPlans(): Promise<Plan[]> {
  catalog ??= call(api.billing.plans.$get()).then(
    (data) => data.plans,
    (error: unknown) => {
      catalog = undefined;
      throw error;
    },
  );
  return catalog;
}

/** The configured plans; `error` says why they could not be loaded. */
export function usePlans(): { plans?: Plan[]; error?: string } {
  const [result, setResult] = useState<{ plans?: Plan[]; error?: string }>({});
  useEffect(() => {
    let current = true;
    loadPlans().then(
      (plans) => current && setResult({ plans }),
      (error: unknown) =>
        current &&
        setResult({ error: error instanceof Error ? error.message : "Plans could not be loaded." }),
    );
    return () => {
      current = false;
    };
  }, []);
  return result;
}

/** "Pro" for `pro`; a plan missing from the catalog still gets a readable name. */
export function planName(plans: Plan[] | undefined, key: string): string {
  const plan = plans?.find((candidate) => candidate.key === key);
  return plan?.name ?? key.charAt(0).toUpperCase() + key.slice(1);
}
