import type { Interval, Plan } from "../billing/use-plans.js";
import { formatMoney } from "../format.js";

const PER: Record<Interval, string> = { monthly: "month", annual: "year" };

export function PlanCard(props: {
  plan: Plan;
  interval: Interval;
  /** For the free plan's "0", in the catalog's currency. */
  currency: string;
  current: boolean;
  /** Shown on the button while its request runs. */
  pendingLabel?: string | undefined;
  disabled: boolean;
  onChoose?: (() => void) | undefined;
}) {
  const { plan, interval } = props;
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
            <span className="price-amount">{formatMoney(price.amount, price.currency)}</span> /{" "}
            {PER[interval]}
          </>
        ) : isFree ? (
          <>
            <span className="price-amount">{formatMoney(0, props.currency)}</span> / {PER[interval]}
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
      {props.onChoose && !props.current && price && (
        <button
          type="button"
          className="button button-primary button-block"
          onClick={props.onChoose}
          disabled={props.disabled}
          aria-busy={props.pendingLabel ? true : undefined}
        >
          {props.pendingLabel ?? `Choose ${plan.name}`}
        </button>
      )}
    </li>
  );
}
