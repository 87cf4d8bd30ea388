import type { PriceInterval } from "./billing-config-schema.js";
import type { Plan, PlanPrice, PlanSeats } from "./plans.js";

/** What `GET /api/billing/plans` tells a pricing page about one plan. */
export interface PlanSummary {
  key: string;
  name: string;
  description: string | null;
  features: string[];
  trialPeriodDays: number | null;
  prices: Record<PriceInterval, PriceSummary | null>;
  /** Null unless the plan is per-seat; then each price's amount is per seat. */
  seats: PlanSeats | null;
}

export interface PriceSummary {
  lookupKey: string;
  /** Minor units: 900 is $9.00; per seat on a per-seat plan. */
  amount: number;
  currency: string;
}

/** The plans in `portico.config.json` order; a free plan has no prices. */
export function summarizePlans(plans: readonly Plan[]): PlanSummary[] {
  return plans.map((plan) => {
    const price = (interval: PriceInterval): PriceSummary | null => {
      const found = plan.prices.find((candidate) => candidate.interval === interval);
      return found
        ? { lookupKey: found.lookupKey, amount: found.amount, currency: found.currency }
        : null;
    };
    return {
      key: plan.key,
      name: plan.name,
      description: plan.description ?? null,
      features: plan.features,
      trialPeriodDays: trialOf(plan.prices),
      prices: { monthly: price("monthly"), annual: price("annual") },
      seats: plan.seats && { minimum: plan.seats.minimum, maximum: plan.seats.maximum },
    };
  });
}

/** The trial is declared once per plan (`prices.trial_period_days`), so every price shares it. */
function trialOf(prices: readonly PlanPrice[]): number | null {
  return prices[0]?.trialPeriodDays ?? null;
}
