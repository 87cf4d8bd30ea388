import { html } from "hono/html";
import { requirePortalSubscription } from "../../resources/portal-actions.js";
import { renderStepForm } from "./forms.js";
import { type Html, renderPortalPage } from "./layout.js";
import type { PortalView } from "./session.js";
import { describeSubscriptionPlan } from "./subscriptions.js";

/** Pausing stops collecting payment; the plan itself stays in place until resumed. */
export function renderPauseScreen(view: PortalView, subscriptionId: string): Html {
  const subscription = requirePortalSubscription(view, subscriptionId);
  return renderPortalPage(
    view,
    "Pause your plan",
    html`<h1>Pause your plan</h1>
    <p>${describeSubscriptionPlan(view, subscription)}</p>
    <p>You won't be charged while your plan is paused. You can resume it at any time.</p>
    ${renderStepForm(view, `/subscriptions/${subscription.id}/pause`, "Pause plan")}`,
  );
}
