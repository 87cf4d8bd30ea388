import type { Hono } from "hono";
import { html } from "hono/html";
import { formatAmount } from "../billing/invoice-build.js";
import { renderInvoicePdf } from "../billing/invoice-pdf.js";
import type { Store } from "../store.js";
import { renderHostedPage } from "./hosted-layout.js";

/** `hosted_invoice_url` and `invoice_pdf`: the token resolves account and invoice. */
export function registerInvoicePages(app: Hono, store: Store): void {
  const findInvoice = (token: string) => {
    const link = store.hostedLinks.get(token);
    const invoice = link?.account.collections.invoice.get(link.objectId);
    return link && invoice ? { account: link.account, invoice } : null;
  };

  app.get("/i/:token", (c) => {
    const found = findInvoice(c.req.param("token"));
    if (!found) {
      return c.html(
        renderHostedPage("Invoice not found", html`<h1>This invoice link is invalid.</h1>`),
        404,
      );
    }
    const { invoice } = found;
    const money = (amount: number) => formatAmount(amount, invoice.currency);
    const body = html`<h1>Invoice ${invoice.number ?? ""}</h1>
      <p data-status="${invoice.status ?? ""}">Status: ${invoice.status}</p>
      <p class="muted">${invoice.customer_email ?? ""}</p>
      <table>
        <thead><tr><th>Description</th><th class="amount">Amount</th></tr></thead>
        <tbody>
          ${invoice.lines.data.map(
            (line) =>
              html`<tr><td>${line.description}</td><td class="amount">${money(line.amount)}</td></tr>`,
          )}
        </tbody>
        <tfoot>
          <tr><th>Total</th><th class="amount">${money(invoice.total)}</th></tr>
          <tr><td>Amount due</td><td class="amount">${money(invoice.amount_remaining)}</td></tr>
        </tfoot>
      </table>
      <p><a href="${c.req.path}/pdf">Download invoice (PDF)</a></p>`;
    return c.html(renderHostedPage(`Invoice ${invoice.number ?? invoice.id}`, body));
  });

  app.get("/i/:token/pdf", (c) => {
    const found = findInvoice(c.req.param("token"));
    if (!found) return c.text("Not found", 404);
    const pdf = renderInvoicePdf(found.account, found.invoice);
    return c.body(new Uint8Array(pdf), 200, {
      "Content-Type": "application/pdf",
      "Content-Disposition": `inline; filename="Invoice-${found.invoice.number ?? found.invoice.id}.pdf"`,
    });
  });
}
