import { validationError } from "../errors.js";
import type { PriceInterval } from "./billing-config-schema.js";
import type { Plan, PlanCatalog } from "./plans.js";

/** What a checkout request names: a plan (and interval), or a price's lookup key. */
export interface CheckoutChoice {
  plan?: string | undefined;
  interval?: PriceInterval | undefined;
  price?: string | undefined;
}

/**
 * The plan and price a checkout request means, from `portico.config.json` alone. Each
 * refusal names the field to fix, so a pricing page can show it next to the right input.
 */
export function resolveCheckoutPrice(
  plans: Pick<PlanCatalog, "planForPrice" | "plans">,
  choice: CheckoutChoice,
): { plan: Plan; lookupKey: string; trialPeriodDays: number | undefined } {
  if (choice.plan !== undefined && choice.price !== undefined)
    throw fieldError("price", "give either plan or price, not both");
  if (choice.plan === undefined && choice.price === undefined)
    throw fieldError("plan", "plan is required (or price, a lookup key)");
  if (choice.price !== undefined && choice.interval !== undefined)
    throw fieldError("interval", "interval goes with plan; a price already has one");

  if (choice.price !== undefined) {
    const plan = plans.planForPrice(choice.price);
    const price = plan?.prices.find((candidate) => candidate.lookupKey === choice.price);
    if (!plan || !price) throw fieldError("price", "price is not a plan price");
    return { plan, lookupKey: price.lookupKey, trialPeriodDays: price.trialPeriodDays };
  }

  const interval = choice.interval ?? "monthly";
  const plan = plans.plans.find((candidate) => candidate.key === choice.plan);
  if (!plan) throw fieldError("plan", `plan "${choice.plan}" is not in portico.config.json`);
  if (plan.prices.length === 0)
    throw fieldError("plan", `plan "${plan.key}" is free; it needs no checkout`);
  const price = plan.prices.find((candidate) => candidate.interval === interval);
  if (!price) throw fieldError("interval", `plan "${plan.key}" has no ${interval} price`);
  return { plan, lookupKey: price.lookupKey, trialPeriodDays: price.trialPeriodDays };
}

const fieldError = (field: string, message: string) =>
  validationError([{ path: [field], location: "body", message }]);
