"use client";

import { useState } from "react";
import type { Plan, PriceInterval } from "../client/api-types.js";
import { type BillingFormat, useBillingFormat } from "../hooks/use-billing-format.js";
import { usePlans } from "../hooks/use-plans.js";
import { useSubscription } from "../hooks/use-subscription.js";
import type { MessageOverrides } from "../messages.js";
import type { BillingSubjectOption } from "../provider.js";
import { join } from "./class-names.js";
import { UpgradeButton } from "./upgrade-button.js";

export interface PricingTableProps extends BillingSubjectOption {
  /** The interval shown first. Default `monthly`. */
  defaultInterval?: PriceInterval;
  messages?: MessageOverrides;
  className?: string;
}

/** The configured plans with a monthly/annual switch; each paid plan starts Checkout. */
export function PricingTable(props: PricingTableProps) {
  const { plans, isLoading, error } = usePlans();
  const { subscription } = useSubscription({ organizationId: props.organizationId });
  const format = useBillingFormat(props.messages);
  const { messages } = format;
  const [interval, setInterval] = useState<PriceInterval>(props.defaultInterval ?? "monthly");
  const className = join("portico-pricing-table", props.className);

  if (isLoading) return <div className={className} data-state="loading" aria-busy="true" />;
  if (error || !plans) {
    return (
      <div className={className} data-state="error">
        <p className="portico-alert" role="alert">
          {messages.plansLoadError}
        </p>
      </div>
    );
  }
  const current = subscription ? (subscription.plan?.key ?? freeKey(plans)) : undefined;
  return (
    <div className={className} data-state="ready" data-interval={interval}>
      {/* Real radio buttons: arrow keys move between them; style them as a segmented control. */}
      <fieldset className="portico-interval-toggle">
        <legend>{messages.billingInterval}</legend>
        {(["monthly", "annual"] as const).map((value) => (
          <label key={value} data-state={value === interval ? "checked" : "unchecked"}>
            <input
              type="radio"
              name="portico-interval"
              value={value}
              checked={value === interval}
              onChange={() => setInterval(value)}
            />
            <span>{messages[value]}</span>
          </label>
        ))}
      </fieldset>
      <ul className="portico-plans">
        {plans.map((plan) => (
          <PlanCard
            key={plan.key}
            plan={plan}
            interval={interval}
            current={plan.key === current}
            format={format}
            overrides={props.messages}
            organizationId={props.organizationId}
          />
        ))}
      </ul>
    </div>
  );
}

function PlanCard(props: {
  plan: Plan;
  interval: PriceInterval;
  current: boolean;
  format: BillingFormat;
  overrides: MessageOverrides | undefined;
  organizationId: string | undefined;
}) {
  const { plan, interval, format } = props;
  const { messages } = format;
  const price = plan.prices[interval];
  const isFree = !plan.prices.monthly && !plan.prices.annual;
  return (
    <li
      className="portico-plan-card"
      data-plan={plan.key}
      data-state={props.current ? "current" : undefined}
    >
      <h3 className="portico-plan-card-name">{plan.name}</h3>
      {props.current && <span className="portico-current-badge">{messages.currentPlanBadge}</span>}
      {plan.description && <p className="portico-plan-description">{plan.description}</p>}
      <p className="portico-price">
        {price ? (
          <>
            <span className="portico-price-amount">
              {format.money(price.amount, price.currency)}
            </span>
            {interval === "monthly" ? messages.perMonth : messages.perYear}
          </>
        ) : isFree ? (
          messages.freePlan
        ) : (
          messages.notAvailable(interval)
        )}
      </p>
      {plan.trialPeriodDays && !props.current ? (
        <p className="portico-trial">{messages.freeTrial(plan.trialPeriodDays)}</p>
      ) : null}
      <ul className="portico-features">
        {plan.features.map((feature) => (
          <li key={feature}>{feature}</li>
        ))}
      </ul>
      {price && !props.current && (
        <UpgradeButton
          plan={plan.key}
          interval={interval}
          organizationId={props.organizationId}
          messages={props.overrides}
        >
          {messages.choosePlan(plan.name)}
        </UpgradeButton>
      )}
    </li>
  );
}

const freeKey = (plans: Plan[]) =>
  plans.find((plan) => !plan.prices.monthly && !plan.prices.annual)?.key;
