import type { Hono } from "hono";
import { html } from "hono/html";
import { completeAuthentication } from "../billing/authentication-complete.js";
import type { Invoice } from "../billing/invoice-build.js";
import { formatAmount } from "../billing/invoice-build.js";
import { findInvoiceIntent } from "../billing/invoice-payment-intents.js";
import { renderInvoicePdf } from "../billing/invoice-pdf.js";
import type { Account, Store } from "../store.js";
import { createPageContext, readOutcome, renderAuthenticationChoice } from "./authenticate.js";
import { renderHostedPage } from "./hosted-layout.js";

/** An open invoice whose payment waits for 3-D Secure: the customer authenticates here. */
function findPendingAuthentication(account: Account, invoice: Invoice) {
  const intent = invoice.status === "open" ? findInvoiceIntent(account, invoice) : undefined;
  return intent?.status === "requires_action" ? intent : null;
}

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
    const { account, invoice } = found;
    const pending = findPendingAuthentication(account, invoice);
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
      ${
        pending
          ? html`<p role="status">This payment needs you to authenticate it with your bank.</p>
            ${renderAuthenticationChoice(`${c.req.path}/authenticate`)}`
          : ""
      }
      <p><a href="${c.req.path}/pdf">Download invoice (PDF)</a></p>`;
    return c.html(renderHostedPage(`Invoice ${invoice.number ?? invoice.id}`, body));
  });

  app.post("/i/:token/authenticate", async (c) => {
    const found = findInvoice(c.req.param("token"));
    if (!found) return c.text("Not found", 404);
    const outcome = await readOutcome(c);
    if (!outcome) return c.text("Choose complete or fail.", 400);
    const pending = findPendingAuthentication(found.account, found.invoice);
    if (pending) {
      const context = createPageContext(c, found.account, store);
      completeAuthentication(context, pending.id, outcome);
    }
    return c.redirect(`/i/${c.req.param("token")}`, 303);
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
