import { listDeclaredPrices } from "./billing-config.js";
import type { BillingConfig, PlanConfig, PriceInterval } from "./billing-config-schema.js";

/**
 * The plans of `portico.config.json`, as the rest of Portico sees them: the
 * pricing page lists them and sync maps a subscription's price back to a plan.
 */

export interface PlanPrice {
  interval: PriceInterval;
  lookupKey: string;
  amount: number;
  currency: string;
  trialPeriodDays: number | undefined;
}

export interface Plan {
  key: string;
  name: string;
  description: string | undefined;
  features: string[];
  entitlements: PlanConfig["entitlements"];
  /** Empty for a free plan. */
  prices: PlanPrice[];
  /** Per-seat plans only: the subscription item's quantity is the seat count. */
  seats: PlanSeats | null;
}

/** Each price's amount is per seat; `maximum: null` is no limit. */
export interface PlanSeats {
  minimum: number;
  maximum: number | null;
}

export function createPlanCatalog(config: BillingConfig | undefined) {
  const declared = config ? listDeclaredPrices(config) : [];
  const plans: Plan[] = (config?.plans ?? []).map((plan) => ({
    key: plan.key,
    name: plan.name,
    description: plan.description,
    features: plan.features,
    entitlements: plan.entitlements,
    prices: declared
      .filter((price) => price.plan.key === plan.key)
      .map(({ interval, lookupKey, amount, currency, trialPeriodDays }) => ({
        interval,
        lookupKey,
        amount,
        currency,
        trialPeriodDays,
      })),
    seats: plan.seats ? { minimum: plan.seats.minimum, maximum: plan.seats.maximum ?? null } : null,
  }));
  const byLookupKey = new Map(declared.map((price) => [price.lookupKey, price.plan.key]));
  // Price ids are learned from Stripe (startup check, apply); lookup keys are known up front.
  const byPriceId = new Map<string, string>();

  /** The plan a price belongs to, by Stripe price id or lookup key. */
  function planForPrice(priceIdOrLookupKey: string): Plan | undefined {
    const key = byLookupKey.get(priceIdOrLookupKey) ?? byPriceId.get(priceIdOrLookupKey);
    return plans.find((plan) => plan.key === key);
  }

  function rememberPriceIds(prices: { id: string; lookupKey: string }[]) {
    for (const price of prices) {
      const plan = byLookupKey.get(price.lookupKey);
      if (plan) byPriceId.set(price.id, plan);
    }
  }

  return { plans, planForPrice, rememberPriceIds };
}

export type PlanCatalog = ReturnType<typeof createPlanCatalog>;
