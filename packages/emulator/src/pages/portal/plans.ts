import type { Context } from "hono";
import { html } from "hono/html";
import type Stripe from "stripe";
import { requirePortalSubscription } from "../../resources/portal-actions.js";
import {
  clampQuantity,
  describeQuantityLimits,
  findQuantityLimits,
  isOfferedPrice,
  type PlanChangeRequest,
  PortalQuantityError,
  type QuantityLimits,
  resolvePlanChange,
} from "../../resources/portal-plan-change.js";
import type { Wire } from "../../wire.js";
import { describePrice, findProductName } from "./format.js";
import { backLink, renderStepForm } from "./forms.js";
import { type Html, renderPortalPage } from "./layout.js";
import type { PortalView } from "./session.js";
import { describeSubscriptionPlan, describeSubscriptionPrice } from "./subscriptions.js";

type Price = Wire<Stripe.Price>;

/** A quantity the customer typed that was refused, shown again with the reason. */
type QuantityRefusal = { price: string; quantity: string; message: string };

function renderQuantityField(
  priceId: string,
  limits: QuantityLimits,
  value: string,
  refusal: QuantityRefusal | undefined,
): Html {
  const id = `quantity-${priceId}`;
  const hintId = `${id}-hint`;
  const refused = refusal?.price === priceId;
  return html`<label for="${id}">Quantity</label>
    <input id="${id}" name="quantity" type="number" inputmode="numeric" step="1" required
      min="${limits.minimum}"${limits.maximum === null ? "" : html` max="${limits.maximum}"`}
      value="${refused ? refusal.quantity : value}" aria-describedby="${hintId}"${
        refused ? html` aria-invalid="true"` : ""
      } />
    <span id="${hintId}"${refused ? html` role="alert"` : ""}>${
      refused ? refusal.message : describeQuantityLimits(limits)
    }</span>`;
}

/** One price of the picker: "Current plan" (with its quantity field) or a "Select" form. */
function renderPriceChoice(
  view: PortalView,
  subscriptionId: string,
  price: Price,
  current: { price: string; quantity: number },
  refusal: QuantityRefusal | undefined,
): Html {
  const limits = findQuantityLimits(view, price);
  const isCurrent = price.id === current.price;
  const value = String(limits ? clampQuantity(current.quantity, limits) : current.quantity);
  const field = limits ? renderQuantityField(price.id, limits, value, refusal) : "";
  const label = `${findProductName(view.account, price.product)} ${describePrice(price)}`;
  const form = (
    button: Html,
  ) => html`<form method="get" action="${view.base}/subscriptions/${subscriptionId}/update/confirm">
      <input type="hidden" name="price" value="${price.id}" />
      ${field}
      ${button}
    </form>`;
  const choice = !isCurrent
    ? form(html`<button type="submit" aria-label="Select ${label}">Select</button>`)
    : limits
      ? html`<strong>Current plan</strong>
          ${form(html`<button type="submit">Update quantity</button>`)}`
      : html`<strong>Current plan</strong>`;
  return html`<li data-price="${price.id}"><span>${describePrice(price)}</span> ${choice}</li>`;
}

/**
 * The plan picker: every configured product and price the customer may move to, the
 * current one marked. Where the product's quantity is adjustable, each choice carries a
 * quantity field bounded by the configuration (no script: the browser submits the form).
 */
export function renderPlanPicker(
  view: PortalView,
  subscriptionId: string,
  refusal?: QuantityRefusal,
): Html {
  const subscription = requirePortalSubscription(view, subscriptionId);
  const item = subscription.items.data[0];
  const current = { price: item?.price.id ?? "", quantity: item?.quantity ?? 1 };
  const products = view.configuration.features.subscription_update.products ?? [];
  const sections = products.flatMap((entry) => {
    const name = findProductName(view.account, entry.product);
    const headingId = `product-${entry.product}`;
    const prices = entry.prices.flatMap((priceId) => {
      const price = view.account.collections.price.get(priceId);
      const offered = priceId === current.price || isOfferedPrice(view, subscription.id, priceId);
      if (!price || !offered) return [];
      return [renderPriceChoice(view, subscription.id, price, current, refusal)];
    });
    if (prices.length === 0) return [];
    return [
      html`<section aria-labelledby="${headingId}">
        <h2 id="${headingId}">${name}</h2>
        <ul class="plain">${prices}</ul>
      </section>`,
    ];
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

/** The last step before a change: old and new plan side by side, and "Confirm". */
export function renderPlanConfirmation(
  view: PortalView,
  subscriptionId: string,
  request: PlanChangeRequest,
): Html {
  const { subscription, price, quantity } = resolvePlanChange(view, subscriptionId, request);
  const newPlan = `${findProductName(view.account, price.product)}, ${describePrice(price)}`;
  const total = describePrice({ ...price, unit_amount: (price.unit_amount ?? 0) * quantity });
  return renderPortalPage(
    view,
    "Confirm your new plan",
    html`<h1>Confirm your new plan</h1>
    <dl>
      <dt>Current plan</dt>
      <dd>${describeSubscriptionPlan(view, subscription)}, ${describeSubscriptionPrice(subscription)}</dd>
      <dt>New plan</dt>
      <dd data-price="${price.id}">${newPlan}</dd>
      <dt>Quantity</dt>
      <dd data-quantity="${quantity}">${quantity}</dd>
      <dt>Total</dt>
      <dd data-total>${total}</dd>
    </dl>
    ${renderStepForm(
      view,
      `/subscriptions/${subscription.id}/update`,
      "Confirm",
      html`<input type="hidden" name="price" value="${price.id}" />
        <input type="hidden" name="quantity" value="${quantity}" />`,
    )}`,
  );
}

/**
 * Runs a plan step; a refused quantity re-renders the picker with the reason beside the
 * field (400) and changes nothing, rather than leaving the customer on an error page.
 */
export function catchQuantityRefusal<T>(
  c: Context,
  view: PortalView,
  subscriptionId: string,
  request: PlanChangeRequest,
  step: () => T,
): T | Response | Promise<Response> {
  try {
    return step();
  } catch (error) {
    if (!(error instanceof PortalQuantityError)) throw error;
    const subscription = requirePortalSubscription(view, subscriptionId);
    const price = request.price || (subscription.items.data[0]?.price.id ?? "");
    const refusal = { price, quantity: request.quantity, message: error.message };
    return c.html(renderPlanPicker(view, subscriptionId, refusal), 400, {
      "Cache-Control": "no-store",
    });
  }
}
