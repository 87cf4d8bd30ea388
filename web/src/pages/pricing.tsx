import { useEffect, useState } from "react";
import { api, call, postPortal } from "../api/client.js";
import { isPaying, returnUrls } from "../billing/return-notice.js";
import type { Subscription } from "../billing/use-billing.js";
import { type Interval, type Plan, usePlans } from "../billing/use-plans.js";
import { useRedirectAction } from "../billing/use-redirect-action.js";
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

export function PricingPage() {
  const { plans, error: plansError } = usePlans();
  const [interval, setBillingInterval] = useState<Interval>("monthly");
  const [subscription, setSubscription] = useState<Subscription>();
  const { pending, error, run } = useRedirectAction<string>();

  useEffect(() => {
    call(api.billing.subscription.$get()).then(setSubscription, () => undefined);
  }, []);

  const paying = subscription !== undefined && isPaying(subscription);
  const currency =
    plans
      ?.map((plan) => plan.prices.monthly?.currency ?? plan.prices.annual?.currency)
      .find(Boolean) ?? "usd";

  // Checkout refuses a second subscription; a subscriber switches plans in the portal.
  const choose = (plan: Plan) =>
    run(plan.key, async () => {
      const urls = returnUrls();
      const session = paying
        ? await call(
            postPortal({ json: { returnUrl: urls.portal, flow: { type: "subscription_update" } } }),
          )
        : await call(
            api.billing.checkout.$post({
              json: {
                plan: plan.key,
                interval,
                successUrl: urls.checkoutSuccess,
                cancelUrl: urls.checkoutCancel,
              },
            }),
          );
      return session.url;
    });

  return (
    <>
      <PageTitle title="Choose a plan">
        Upgrade, switch or cancel at any time from{" "}
        <Link to="/settings/billing">billing settings</Link>.
      </PageTitle>
      {plansError && (
        <p className="alert" role="alert">
          {plansError}
        </p>
      )}
      {plans && (
        <>
          <IntervalToggle
            value={interval}
            onChange={setBillingInterval}
            annualSavings={annualSavings(plans)}
          />
          {error && (
            <p className="alert" role="alert">
              {error}
            </p>
          )}
          <ul className="plan-grid">
            {plans.map((plan) => (
              <PlanCard
                key={plan.key}
                plan={plan}
                interval={interval}
                currency={currency}
                current={subscription?.plan === plan.key}
                disabled={pending !== null}
                pendingLabel={
                  pending === plan.key
                    ? paying
                      ? "Opening billing portal…"
                      : "Redirecting to checkout…"
                    : undefined
                }
                onChoose={() => choose(plan)}
              />
            ))}
          </ul>
        </>
      )}
      {!plans && !plansError && (
        <p className="loading" aria-busy="true">
          Loading plans…
        </p>
      )}
    </>
  );
}
