import type { PortalRequest } from "../../../src/http/schemas/portal.js";
import { call, postPortal } from "../api/client.js";
import { isPaying, returnUrls } from "../billing/return-notice.js";
import type { Subscription } from "../billing/use-billing.js";
import { useRedirectAction } from "../billing/use-redirect-action.js";
import { Link } from "../router.js";

type FlowType = NonNullable<PortalRequest["flow"]>["type"];

/** Deep links into one task of the portal (Stripe's `flow_data`). */
const SHORTCUTS: { flow: FlowType; label: string }[] = [
  { flow: "payment_method_update", label: "Update payment method" },
  { flow: "subscription_update", label: "Change plan" },
  { flow: "subscription_cancel", label: "Cancel subscription" },
];

/** Opens the portal: the whole of it, or one task; never twice, errors said in place. */
export function BillingActions(props: { subscription: Subscription; hasCustomer: boolean }) {
  const { pending, error, run } = useRedirectAction<"manage" | FlowType>();
  const paying = isPaying(props.subscription);
  // A subscription already set to end has nothing left to cancel.
  const ending = props.subscription.cancelAtPeriodEnd || props.subscription.cancelAt !== null;
  const shortcuts = SHORTCUTS.filter(({ flow }) => !(ending && flow === "subscription_cancel"));

  const openPortal = (key: "manage" | FlowType) =>
    run(key, async () => {
      const flow = key === "manage" ? {} : { flow: { type: key } };
      const session = await call(postPortal({ json: { returnUrl: returnUrls().portal, ...flow } }));
      return session.url;
    });

  return (
    <div className="actions">
      <div className="action-row">
        {(props.hasCustomer || paying) && (
          <button
            type="button"
            className="button button-primary"
            onClick={() => openPortal("manage")}
            disabled={pending !== null}
            aria-busy={pending === "manage" || undefined}
          >
            {pending === "manage" ? "Opening billing portal…" : "Manage billing"}
          </button>
        )}
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
              <button
                type="button"
                className="button button-secondary"
                onClick={() => openPortal(flow)}
                disabled={pending !== null}
                aria-busy={pending === flow || undefined}
              >
                {label}
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
