import { html } from "hono/html";
import { listPortalSubscriptions, type Subscription } from "../../resources/portal-actions.js";
import { describePrice, findProductName, formatDate } from "./format.js";
import { renderActionForm } from "./forms.js";
import type { Html } from "./layout.js";
import type { PortalView } from "./session.js";

/** The plan's name as the customer knows it: its product, or several joined. */
export function describeSubscriptionPlan(view: PortalView, subscription: Subscription): string {
  return subscription.items.data
    .map((item) => findProductName(view.account, item.price.product))
    .join(" + ");
}

/** "$10.00 per month", or "3 × $10.00 per month" for a per-seat plan. */
export function describeSubscriptionPrice(subscription: Subscription): string {
  return subscription.items.data
    .map((item) => {
      const quantity = item.quantity ?? 1;
      return quantity === 1
        ? describePrice(item.price)
        : `${quantity} × ${describePrice(item.price)}`;
    })
    .join(" + ");
}

function periodEnd(subscription: Subscription): number {
  return Math.max(...subscription.items.data.map((item) => item.current_period_end));
}

function describeSchedule(subscription: Subscription): string {
  if (subscription.pause_collection) return "Payments are paused.";
  if (subscription.cancel_at_period_end || subscription.cancel_at) {
    return `Cancels on ${formatDate(subscription.cancel_at ?? periodEnd(subscription))}.`;
  }
  if (subscription.status === "trialing" && subscription.trial_end) {
    return `Trial ends on ${formatDate(subscription.trial_end)}.`;
  }
  return `Renews on ${formatDate(periodEnd(subscription))}.`;
}

function renderSubscriptionActions(view: PortalView, subscription: Subscription): Html[] {
  const { features } = view.configuration;
  const path = `/subscriptions/${subscription.id}`;
  const titleId = `${subscription.id}-title`;
  const actions: Html[] = [];
  if (features.subscription_update.enabled && subscription.items.data.length === 1) {
    actions.push(
      html`<a href="${view.base}${path}/update" aria-describedby="${titleId}">Update plan</a>`,
    );
  }
  if (features.subscription_cancel.enabled) {
    actions.push(
      subscription.cancel_at_period_end
        ? renderActionForm(view, `${path}/renew`, "Renew plan", { describedBy: titleId })
        : html`<a href="${view.base}${path}/cancel" aria-describedby="${titleId}">Cancel plan</a>`,
    );
  }
  if (features.subscription_pause.enabled && !subscription.cancel_at_period_end) {
    actions.push(
      subscription.pause_collection
        ? renderActionForm(view, `${path}/resume`, "Resume plan", { describedBy: titleId })
        : html`<a href="${view.base}${path}/pause" aria-describedby="${titleId}">Pause plan</a>`,
    );
  }
  return actions;
}

/** "Current plan": every subscription the customer has, with what the configuration allows. */
export function renderSubscriptionsSection(view: PortalView): Html {
  const subscriptions = listPortalSubscriptions(view);
  const articles = subscriptions.map(
    (subscription) => html`<article
      aria-labelledby="${subscription.id}-title"
      data-subscription="${subscription.id}"
    >
      <h3 id="${subscription.id}-title">${describeSubscriptionPlan(view, subscription)}</h3>
      <p>${describeSubscriptionPrice(subscription)}</p>
      <p>${describeSchedule(subscription)}</p>
      <div class="actions">${renderSubscriptionActions(view, subscription)}</div>
    </article>`,
  );
  return html`<section aria-labelledby="plan-heading">
    <h2 id="plan-heading">Current plan</h2>
    ${articles.length > 0 ? articles : html`<p>You have no active subscriptions.</p>`}
  </section>`;
}
