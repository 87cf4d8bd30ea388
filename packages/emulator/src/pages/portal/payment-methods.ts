import { html } from "hono/html";
import { findPortalCustomer } from "../../resources/portal-actions.js";
import { type CardForm, listPortalCards } from "../../resources/portal-cards.js";
import { describeCard, formatExpiry } from "./format.js";
import { renderActionForm, renderStepForm } from "./forms.js";
import { type Html, renderPortalPage } from "./layout.js";
import type { PortalView } from "./session.js";

/** "Payment methods" on the homepage: each card, the default marked, the others promotable. */
export function renderPaymentMethodsSection(view: PortalView): Html | "" {
  if (!view.configuration.features.payment_method_update.enabled) return "";
  const defaultId = findPortalCustomer(view)?.invoice_settings.default_payment_method ?? null;
  const cards = listPortalCards(view).flatMap((paymentMethod) => {
    const card = paymentMethod.card;
    if (!card) return [];
    const labelId = `${paymentMethod.id}-label`;
    const controls =
      paymentMethod.id === defaultId
        ? html`<strong>Default</strong>`
        : html`${renderActionForm(view, `/payment-methods/${paymentMethod.id}/default`, "Make default", { describedBy: labelId })}
          ${renderActionForm(view, `/payment-methods/${paymentMethod.id}/remove`, "Remove", { describedBy: labelId })}`;
    return [
      html`<li data-payment-method="${paymentMethod.id}">
        <span id="${labelId}">${describeCard(card)}</span>
        <span>Expires ${formatExpiry(card)}</span>
        <div class="actions">${controls}</div>
      </li>`,
    ];
  });
  return html`<section aria-labelledby="payment-heading">
    <h2 id="payment-heading">Payment methods</h2>
    ${cards.length > 0 ? html`<ul class="plain" aria-label="Saved cards">${cards}</ul>` : html`<p>No payment methods saved.</p>`}
    <a href="${view.base}/payment-methods/new">Add payment method</a>
  </section>`;
}

/** The card form. Only Stripe's test card numbers are accepted, as in test mode. */
export function renderAddCardScreen(
  view: PortalView,
  error?: string,
  form?: Partial<CardForm>,
): Html {
  return renderPortalPage(
    view,
    "Add payment method",
    html`<h1>Add payment method</h1>
    ${error ? html`<p role="alert" id="card-error">${error}</p>` : ""}
    ${renderStepForm(
      view,
      "/payment-methods",
      "Add card",
      html`<label for="card-number">Card number</label>
      <input id="card-number" name="number" type="text" inputmode="numeric" autocomplete="cc-number"
        placeholder="1234 1234 1234 1234" value="${form?.number ?? ""}" required
        ${error ? html`aria-describedby="card-error"` : ""} />
      <label for="card-expiry">Expiration</label>
      <input id="card-expiry" name="expiry" type="text" inputmode="numeric" autocomplete="cc-exp"
        placeholder="MM / YY" value="${form?.expiry ?? ""}" required />
      <label for="card-cvc">CVC</label>
      <input id="card-cvc" name="cvc" type="text" inputmode="numeric" autocomplete="cc-csc"
        placeholder="CVC" required />`,
    )}`,
  );
}
