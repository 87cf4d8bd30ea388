import { type Plan, type PriceInterval, UpgradeButton, useBillingFormat } from "@portico/react";

const PER: Record<PriceInterval, string> = { monthly: "month", annual: "year" };

/**
 * One plan. Its button is the package's UpgradeButton: Checkout for a new subscriber, the
 * portal's plan change for one who already pays (Checkout refuses a second subscription).
 */
export function PlanCard(props: {
  plan: Plan;
  interval: PriceInterval;
  /** For the free plan's "0", in the catalog's currency. */
  currency: string;
  current: boolean;
}) {
  const { plan, interval } = props;
  const format = useBillingFormat();
  const price = plan.prices[interval];
  const isFree = !plan.prices.monthly && !plan.prices.annual;
  const headingId = `plan-${plan.key}`;

  return (
    <li className={`card plan${props.current ? " plan-current" : ""}`} aria-labelledby={headingId}>
      <div className="plan-head">
        <h2 id={headingId}>{plan.name}</h2>
        {props.current && <span className="badge badge-current">Current plan</span>}
      </div>
      {plan.description && <p className="muted">{plan.description}</p>}
      <p className="price">
        {price ? (
          <>
            <span className="price-amount">{format.money(price.amount, price.currency)}</span> /{" "}
            {PER[interval]}
          </>
        ) : isFree ? (
          <>
            <span className="price-amount">{format.money(0, props.currency)}</span> /{" "}
            {PER[interval]}
          </>
        ) : (
          <span className="muted">
            Not available {interval === "annual" ? "yearly" : "monthly"}
          </span>
        )}
      </p>
      {plan.trialPeriodDays && !props.current ? (
        <p className="trial">{plan.trialPeriodDays}-day free trial</p>
      ) : null}
      <ul className="features">
        {plan.features.map((feature) => (
          <li key={feature}>{feature}</li>
        ))}
      </ul>
      {!props.current && price && (
        <UpgradeButton plan={plan.key} interval={interval} returnTo="/settings/billing">
          Choose {plan.name}
        </UpgradeButton>
      )}
    </li>
  );
}
