import { html } from "hono/html";
import type Stripe from "stripe";
import { findPortalCustomer } from "../../resources/portal-actions.js";
import { renderCsrfField } from "./forms.js";
import { type Html, renderPortalPage } from "./layout.js";
import type { PortalView } from "./session.js";

type Address = Stripe.Address | null;

const ADDRESS_FIELDS = [
  ["line1", "Address line 1"],
  ["line2", "Address line 2"],
  ["city", "City"],
  ["state", "State"],
  ["postal_code", "Postal code"],
  ["country", "Country"],
] as const;

function describeAddress(address: Address): string {
  if (!address) return "None";
  const parts = [
    address.line1,
    address.line2,
    address.city,
    address.state,
    address.postal_code,
    address.country,
  ];
  return parts.filter(Boolean).join(", ") || "None";
}

/** "Billing information" on the homepage, when the configuration lets customers edit it. */
export function renderBillingDetailsSection(view: PortalView): Html | "" {
  const feature = view.configuration.features.customer_update;
  const customer = findPortalCustomer(view);
  if (!feature.enabled || !customer) return "";
  return html`<section aria-labelledby="billing-heading">
    <h2 id="billing-heading">Billing information</h2>
    <dl>
      <dt>Name</dt><dd>${customer.name ?? "None"}</dd>
      <dt>Email</dt><dd>${customer.email ?? "None"}</dd>
      <dt>Billing address</dt><dd>${describeAddress(customer.address ?? null)}</dd>
    </dl>
    <a href="${view.base}/customer">Update information</a>
  </section>`;
}

function renderInput(
  name: string,
  label: string,
  value: string | null | undefined,
  type = "text",
): Html {
  const id = `field-${name.replaceAll(/[^a-z0-9]+/gi, "-")}`;
  return html`<label for="${id}">${label}</label>
    <input id="${id}" name="${name}" type="${type}" value="${value ?? ""}" />`;
}

/** Shipping labels say "Shipping city" so every input keeps a unique accessible name. */
function renderAddressFields(prefix: string, address: Address, shipping = false): Html[] {
  return ADDRESS_FIELDS.map(([key, label]) =>
    renderInput(
      `${prefix}[${key}]`,
      shipping ? `Shipping ${label.toLowerCase()}` : label,
      address?.[key],
    ),
  );
}

/** The billing-details form: only the fields `customer_update.allowed_updates` opens up. */
export function renderBillingDetailsScreen(view: PortalView): Html {
  const allowed = new Set<string>(view.configuration.features.customer_update.allowed_updates);
  const customer = findPortalCustomer(view);
  const fields: Html[] = [];
  if (allowed.has("name")) fields.push(renderInput("name", "Name", customer?.name));
  if (allowed.has("email")) fields.push(renderInput("email", "Email", customer?.email, "email"));
  if (allowed.has("phone")) fields.push(renderInput("phone", "Phone", customer?.phone, "tel"));
  if (allowed.has("address")) {
    fields.push(html`<fieldset><legend>Billing address</legend>
      ${renderAddressFields("address", customer?.address ?? null)}</fieldset>`);
  }
  if (allowed.has("shipping")) {
    const shipping = customer?.shipping;
    fields.push(html`<fieldset><legend>Shipping address</legend>
      ${renderInput("shipping[name]", "Shipping name", shipping?.name)}
      ${renderAddressFields("shipping[address]", shipping?.address ?? null, true)}</fieldset>`);
  }
  return renderPortalPage(
    view,
    "Update your information",
    html`<h1>Update your information</h1>
    <form method="post" action="${view.base}/customer">
      ${renderCsrfField(view)}
      ${fields}
      <div class="actions">
        <button type="submit" class="primary">Save</button>
        <a href="${view.base}">Cancel</a>
      </div>
    </form>`,
  );
}
