import { type Plan, type PriceInterval, usePlans, useSubscription } from "@portico/react";
import { useState } from "react";
import { IntervalToggle } from "../components/interval-toggle.js";
import { PageTitle } from "../components/page-title.js";
import { PlanCard } from "../components/plan-card.js";
import { Link } from "../router.js";

/** The best annual discount in the catalog, in whole percent. */
function annualSavings(plans: Plan[]): number {
  const savings = plans.map(({ prices }) =>
    prices.monthly && prices.annual ? 1 - prices.annual.amount / (prices.monthly.amount * 12) : 0,
  );
  return Math.round(Math.max(0, ...savings) * 100);
}

const isFree = (plan: Plan) => !plan.prices.monthly && !plan.prices.annual;

export function PricingPage() {
  const { plans, error } = usePlans();
  const { subscription } = useSubscription();
  const [interval, setBillingInterval] = useState<PriceInterval>("monthly");
  const currency =
    plans
      ?.map((plan) => plan.prices.monthly?.currency ?? plan.prices.annual?.currency)
      .find(Boolean) ?? "usd";
  // Without a paid plan the user is on the catalog's free one.
  const currentKey = subscription && (subscription.plan?.key ?? plans?.find(isFree)?.key);

  return (
    <>
      <PageTitle title="Choose a plan">
        Upgrade, switch or cancel at any time from{" "}
        <Link to="/settings/billing">billing settings</Link>.
      </PageTitle>
      {error && (
        <p className="alert" role="alert">
          {error.message}
        </p>
      )}
      {plans && (
        <>
          <IntervalToggle
            value={interval}
            onChange={setBillingInterval}
            annualSavings={annualSavings(plans)}
          />
          <ul className="plan-grid">
            {plans.map((plan) => (
              <PlanCard
                key={plan.key}
                plan={plan}
                interval={interval}
                currency={currency}
                current={plan.key === currentKey}
              />
            ))}
          </ul>
        </>
      )}
      {!plans && !error && (
        <p className="loading" aria-busy="true">
          Loading plans…
        </p>
      )}
    </>
  );
}
