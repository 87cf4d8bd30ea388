import { html } from "hono/html";
import { formatDate, formatMoney } from "./format.js";
import type { Html } from "./layout.js";
import type { PortalView } from "./session.js";

const STATUS_LABELS: Record<string, string> = {
  open: "Open",
  paid: "Paid",
  uncollectible: "Uncollectible",
  void: "Void",
};

/** Drafts are the merchant's work in progress; the customer sees invoices once finalized. */
function listCustomerInvoices(view: PortalView) {
  // Newest first; reversing creation order first breaks ties within one second the same way.
  return [...view.account.collections.invoice.values()]
    .filter((invoice) => invoice.customer === view.session.customer && invoice.status !== "draft")
    .reverse()
    .sort((a, b) => b.created - a.created);
}

/** "Invoice history", newest first, each with its PDF. */
export function renderInvoiceHistorySection(view: PortalView): Html | "" {
  if (!view.configuration.features.invoice_history.enabled) return "";
  const rows = listCustomerInvoices(view).map((invoice) => {
    const number = invoice.number ?? invoice.id;
    const date = invoice.status_transitions?.finalized_at ?? invoice.created;
    return html`<tr data-invoice="${invoice.id}">
      <td>${formatDate(date)}</td>
      <td>${number}</td>
      <td>${formatMoney(invoice.total, invoice.currency)}</td>
      <td>${STATUS_LABELS[invoice.status ?? ""] ?? invoice.status}</td>
      <td>${invoice.invoice_pdf ? html`<a href="${invoice.invoice_pdf}" aria-label="Download invoice ${number}">PDF</a>` : ""}</td>
    </tr>`;
  });
  return html`<section aria-labelledby="invoices-heading">
    <h2 id="invoices-heading">Invoice history</h2>
    ${
      rows.length > 0
        ? html`<table aria-labelledby="invoices-heading">
          <thead><tr><th scope="col">Date</th><th scope="col">Number</th><th scope="col">Amount</th><th scope="col">Status</th><th scope="col">Invoice</th></tr></thead>
          <tbody>${rows}</tbody>
        </table>`
        : html`<p>No invoices yet.</p>`
    }
  </section>`;
}
