"use client";

import { useBillingFormat } from "../hooks/use-billing-format.js";
import { usePlans } from "../hooks/use-plans.js";
import { useReturnNotice } from "../hooks/use-return-notice.js";
import { useSubscription } from "../hooks/use-subscription.js";
import type { MessageOverrides } from "../messages.js";
import { type BillingSubjectOption, useBillingSubject } from "../provider.js";
import { join } from "./class-names.js";
import { ManageBillingButton } from "./manage-billing-button.js";
import { UpgradeButton } from "./upgrade-button.js";

export interface BillingSettingsProps extends BillingSubjectOption {
  /** The plan the Upgrade button buys on the free plan; default the catalog's first paid plan. */
  upgradePlan?: string;
  messages?: MessageOverrides;
  className?: string;
}

/**
 * A settings-page section: the current plan and status, the seats of a per-seat plan, what
 * happens next, the card on file, and Manage billing (or Upgrade on the free plan).
 */
export function BillingSettings(props: BillingSettingsProps) {
  const { organizationId } = useBillingSubject(props.organizationId);
  const { subscription, isLoading, refresh } = useSubscription({ organizationId });
  const { plans } = usePlans();
  const format = useBillingFormat(props.messages);
  const { messages } = format;
  const notice = useReturnNotice(props.messages, { organizationId });
  const className = join("portico-billing-settings", props.className);

  if (isLoading) {
    return (
      <section className={className} data-state="loading" aria-busy="true">
        <p className="portico-loading" role="status">
          {messages.loading}
        </p>
      </section>
    );
  }
  if (!subscription) {
    return (
      <section className={className} data-state="error">
        <p className="portico-alert" role="alert">
          {messages.loadError}
        </p>
        <button type="button" className="portico-button" onClick={() => void refresh()}>
          {messages.retry}
        </button>
      </section>
    );
  }

  const { plan, status, paymentMethod, seats } = subscription;
  const renewal = format.renewal(subscription);
  const upgradePlan =
    props.upgradePlan ?? plans?.find((p) => p.prices.monthly || p.prices.annual)?.key;
  return (
    <section className={className} data-state="ready" data-status={status ?? "none"}>
      {notice && (
        <p className="portico-notice" role="status">
          {notice}
        </p>
      )}
      <p className="portico-plan">
        <span className="portico-plan-label">{messages.currentPlan}</span>{" "}
        <strong className="portico-plan-name">{plan?.name ?? messages.freePlan}</strong>
        {status && (
          <>
            {" "}
            <span className="portico-status" data-status={status}>
              {format.status(status)}
            </span>
          </>
        )}
      </p>
      {seats !== null && <p className="portico-seats">{messages.seats(seats)}</p>}
      {renewal && <p className="portico-renewal">{renewal}</p>}
      {status === "past_due" && <p className="portico-warning">{messages.pastDue}</p>}
      {paymentMethod && (
        <p className="portico-payment-method">
          {messages.paymentMethod(format.cardBrand(paymentMethod.brand), paymentMethod.last4)}
        </p>
      )}
      <div className="portico-actions">
        {(subscription.hasCustomer || plan) && (
          <ManageBillingButton organizationId={organizationId} messages={props.messages} />
        )}
        {!plan && upgradePlan && (
          <UpgradeButton
            plan={upgradePlan}
            organizationId={organizationId}
            messages={props.messages}
          />
        )}
      </div>
    </section>
  );
}
