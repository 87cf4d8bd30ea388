import { ManageBillingButton, type PortalFlowType, type Subscription } from "@portico/react";
import { Link } from "../router.js";

/** Deep links into one task of the portal (Stripe's `flow_data`). */
const SHORTCUTS: { flow: PortalFlowType; label: string }[] = [
  { flow: "payment_method_update", label: "Update payment method" },
  { flow: "subscription_update", label: "Change plan" },
  { flow: "subscription_cancel", label: "Cancel subscription" },
];

/** Opens the portal, the whole of it or one task; the free plan is offered the plans instead. */
export function BillingActions({ subscription }: { subscription: Subscription }) {
  const paying = subscription.plan !== null;
  // A subscription already set to end has nothing left to cancel.
  const ending = subscription.cancelAtPeriodEnd || subscription.cancelAt !== null;
  const shortcuts = SHORTCUTS.filter(({ flow }) => !(ending && flow === "subscription_cancel"));

  return (
    <div className="actions">
      <div className="action-row">
        {(subscription.hasCustomer || paying) && <ManageBillingButton />}
        {!paying && (
          <Link to="/pricing" className="button button-secondary">
            View plans
          </Link>
        )}
      </div>
      {paying && (
        <ul className="shortcuts" aria-label="Billing shortcuts">
          {shortcuts.map(({ flow, label }) => (
            <li key={flow}>
              <ManageBillingButton flow={flow}>{label}</ManageBillingButton>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
