import { html } from "hono/html";
import {
  isOfferedPrice,
  PortalActionError,
  requirePortalSubscription,
} from "../../resources/portal-actions.js";
import { describePrice, findProductName } from "./format.js";
import { backLink, renderStepForm } from "./forms.js";
import { type Html, renderPortalPage } from "./layout.js";
import type { PortalView } from "./session.js";
import { describeSubscriptionPlan, describeSubscriptionPrice } from "./subscriptions.js";

/** The plan picker: every configured product and price, the current one marked. */
export function renderPlanPicker(view: PortalView, subscriptionId: string): Html {
  const subscription = requirePortalSubscription(view, subscriptionId);
  const currentPrice = subscription.items.data[0]?.price.id;
  const products = view.configuration.features.subscription_update.products ?? [];
  const sections = products.map((entry) => {
    const name = findProductName(view.account, entry.product);
    const headingId = `product-${entry.product}`;
    const prices = entry.prices.flatMap((priceId) => {
      const price = view.account.collections.price.get(priceId);
      if (!price) return [];
      const label = `${name} ${describePrice(price)}`;
      const choice =
        priceId === currentPrice
          ? html`<strong>Current plan</strong>`
          : html`<form method="get" action="${view.base}/subscriptions/${subscription.id}/update/confirm">
              <input type="hidden" name="price" value="${priceId}" />
              <button type="submit" aria-label="Select ${label}">Select</button>
            </form>`;
      return [
        html`<li data-price="${priceId}"><span>${describePrice(price)}</span> ${choice}</li>`,
      ];
    });
    return html`<section aria-labelledby="${headingId}">
      <h2 id="${headingId}">${name}</h2>
      <ul class="plain">${prices}</ul>
    </section>`;
  });
  return renderPortalPage(
    view,
    "Update your plan",
    html`<h1>Update your plan</h1>
    <p>Current plan: ${describeSubscriptionPlan(view, subscription)}, ${describeSubscriptionPrice(subscription)}</p>
    ${sections}
    <p>${backLink(view)}</p>`,
  );
}

/** The last step before a plan change: old and new plan side by side, and "Confirm". */
export function renderPlanConfirmation(
  view: PortalView,
  subscriptionId: string,
  priceId: string,
): Html {
  const subscription = requirePortalSubscription(view, subscriptionId);
  const price = view.account.collections.price.get(priceId);
  if (!price || !isOfferedPrice(view, subscription.id, priceId)) {
    throw new PortalActionError("This plan is not available.", 404);
  }
  const newPlan = `${findProductName(view.account, price.product)}, ${describePrice(price)}`;
  return renderPortalPage(
    view,
    "Confirm your new plan",
    html`<h1>Confirm your new plan</h1>
    <dl>
      <dt>Current plan</dt>
      <dd>${describeSubscriptionPlan(view, subscription)}, ${describeSubscriptionPrice(subscription)}</dd>
      <dt>New plan</dt>
      <dd data-price="${price.id}">${newPlan}</dd>
    </dl>
    ${renderStepForm(
      view,
      `/subscriptions/${subscription.id}/update`,
      "Confirm",
      html`<input type="hidden" name="price" value="${price.id}" />`,
    )}`,
  );
}
