import { html } from "hono/html";
import { renderBillingDetailsSection } from "./billing-details.js";
import { renderInvoiceHistorySection } from "./invoices.js";
import { type Html, renderNotice, renderPortalPage } from "./layout.js";
import { renderPaymentMethodsSection } from "./payment-methods.js";
import type { PortalView } from "./session.js";
import { renderSubscriptionsSection } from "./subscriptions.js";

/** The portal homepage: each section appears only when the configuration enables it. */
export function renderHome(view: PortalView, notice?: string): Html {
  const headline = view.configuration.business_profile.headline ?? "Manage your billing";
  return renderPortalPage(
    view,
    headline,
    html`<h1>${headline}</h1>
    ${view.customerEmail ? html`<p>Signed in as ${view.customerEmail}</p>` : ""}
    ${renderNotice(notice)}
    ${renderSubscriptionsSection(view)}
    ${renderPaymentMethodsSection(view)}
    ${renderBillingDetailsSection(view)}
    ${renderInvoiceHistorySection(view)}`,
  );
}
