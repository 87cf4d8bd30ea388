"use client";

import { useState } from "react";
import type { Invoice } from "../client/api-types.js";
import { type BillingFormat, useBillingFormat } from "../hooks/use-billing-format.js";
import { useInvoices } from "../hooks/use-invoices.js";
import type { MessageOverrides } from "../messages.js";
import type { BillingSubjectOption } from "../provider.js";
import { join } from "./class-names.js";

export interface InvoiceListProps extends BillingSubjectOption {
  pageSize?: number;
  messages?: MessageOverrides;
  className?: string;
}

/** The user's (or organization's) invoices, newest first, with Stripe's hosted page and PDF. */
export function InvoiceList(props: InvoiceListProps) {
  const { invoices, isLoading, error, hasMore, isLoadingMore, loadMore } = useInvoices({
    pageSize: props.pageSize,
    organizationId: props.organizationId,
  });
  const format = useBillingFormat(props.messages);
  const { messages } = format;
  const [moreError, setMoreError] = useState(false);
  const className = join("portico-invoice-list", props.className);

  if (isLoading) return <div className={className} data-state="loading" aria-busy="true" />;
  if (error || !invoices) {
    return (
      <div className={className} data-state="error">
        <p className="portico-alert" role="alert">
          {messages.invoicesLoadError}
        </p>
      </div>
    );
  }
  if (invoices.length === 0) {
    return (
      <div className={className} data-state="empty">
        <p className="portico-empty">{messages.noInvoices}</p>
      </div>
    );
  }
  const onLoadMore = () => {
    setMoreError(false);
    loadMore().catch(() => setMoreError(true));
  };
  return (
    <div className={className} data-state="ready">
      <table className="portico-invoices">
        <caption>{messages.invoices}</caption>
        <thead>
          <tr>
            <th scope="col">{messages.invoiceDate}</th>
            <th scope="col">{messages.invoiceNumber}</th>
            <th scope="col">{messages.invoiceAmount}</th>
            <th scope="col">{messages.invoiceStatus}</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {invoices.map((invoice) => (
            <InvoiceRow key={invoice.id} invoice={invoice} format={format} />
          ))}
        </tbody>
      </table>
      {moreError && (
        <p className="portico-alert" role="alert">
          {messages.loadMoreError}
        </p>
      )}
      {hasMore && (
        <button
          type="button"
          className="portico-button portico-load-more"
          onClick={onLoadMore}
          disabled={isLoadingMore}
          aria-busy={isLoadingMore || undefined}
        >
          {messages.loadMore}
        </button>
      )}
    </div>
  );
}

function InvoiceRow({ invoice, format }: { invoice: Invoice; format: BillingFormat }) {
  const { messages } = format;
  return (
    <tr data-status={invoice.status ?? undefined}>
      <td>{format.date(invoice.created)}</td>
      <td>{invoice.number ?? "—"}</td>
      <td>{format.money(invoice.total, invoice.currency)}</td>
      <td>{invoice.status ? format.status(invoice.status) : "—"}</td>
      <td>
        {invoice.hostedInvoiceUrl && (
          <a href={invoice.hostedInvoiceUrl} target="_blank" rel="noreferrer">
            {messages.viewInvoice}
          </a>
        )}{" "}
        {invoice.invoicePdf && <a href={invoice.invoicePdf}>{messages.downloadInvoice}</a>}
      </td>
    </tr>
  );
}
