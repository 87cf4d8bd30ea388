import { html } from "hono/html";
import { requirePortalSubscription } from "../../resources/portal-actions.js";
import { formatDate } from "./format.js";
import { renderStepForm } from "./forms.js";
import { type Html, renderPortalPage } from "./layout.js";
import type { PortalView } from "./session.js";
import { describeSubscriptionPlan } from "./subscriptions.js";

/** The wording Stripe's portal uses for each cancellation reason. */
const REASON_LABELS: Record<string, string> = {
  too_expensive: "It's too expensive",
  missing_features: "Some features are missing",
  switched_service: "I'm switching to a different service",
  unused: "I don't use the service enough",
  customer_service: "Customer service was less than expected",
  too_complex: "Ease of use was less than expected",
  low_quality: "Quality was less than expected",
  other: "Other reason",
};

function renderReasons(view: PortalView): Html | "" {
  const reason = view.configuration.features.subscription_cancel.cancellation_reason;
  if (!reason.enabled || reason.options.length === 0) return "";
  const options = reason.options.map(
    (option) => html`<div>
      <input type="radio" id="reason-${option}" name="reason" value="${option}" />
      <label for="reason-${option}">${REASON_LABELS[option] ?? option}</label>
    </div>`,
  );
  return html`<fieldset>
    <legend>Why are you canceling?</legend>
    ${options}
  </fieldset>`;
}

/** The cancellation confirmation, in the configuration's mode, with its reasons if enabled. */
export function renderCancelScreen(view: PortalView, subscriptionId: string): Html {
  const subscription = requirePortalSubscription(view, subscriptionId);
  const feature = view.configuration.features.subscription_cancel;
  const end = Math.max(...subscription.items.data.map((item) => item.current_period_end));
  const consequence =
    feature.mode === "immediately"
      ? "Your plan will be canceled immediately."
      : `Your plan will be canceled, but is still available until the end of your billing period on ${formatDate(end)}.`;
  return renderPortalPage(
    view,
    "Cancel your plan",
    html`<h1>Cancel your plan</h1>
    <p>${describeSubscriptionPlan(view, subscription)}</p>
    <p data-cancel-mode="${feature.mode}">${consequence}</p>
    ${renderStepForm(view, `/subscriptions/${subscription.id}/cancel`, "Cancel plan", renderReasons(view))}`,
  );
}
