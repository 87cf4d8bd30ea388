import { type BillingFormat, type Invoice, useBillingFormat } from "@portico/react";
import { useState } from "react";

export function InvoiceTable(props: {
  invoices: Invoice[];
  hasMore: boolean;
  loadMore(): Promise<void>;
}) {
  const format = useBillingFormat();
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string>();

  if (props.invoices.length === 0) return <p className="muted">No invoices yet</p>;

  const onLoadMore = async () => {
    setLoadingMore(true);
    setError(undefined);
    await props.loadMore().catch(() => setError("More invoices could not be loaded."));
    setLoadingMore(false);
  };

  return (
    <>
      <table className="invoices">
        <caption className="visually-hidden">Invoice history</caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Number</th>
            <th scope="col" className="numeric">
              Amount
            </th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="visually-hidden">Download</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.invoices.map((invoice) => (
            <InvoiceRow key={invoice.id} invoice={invoice} format={format} />
          ))}
        </tbody>
      </table>
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      {props.hasMore && (
        <button
          type="button"
          className="button button-secondary"
          onClick={onLoadMore}
          disabled={loadingMore}
          aria-busy={loadingMore || undefined}
        >
          Show more invoices
        </button>
      )}
    </>
  );
}

function InvoiceRow({ invoice, format }: { invoice: Invoice; format: BillingFormat }) {
  const number = invoice.number ?? "—";
  return (
    <tr>
      <td data-label="Date">{format.date(invoice.created)}</td>
      <td data-label="Number">{number}</td>
      <td data-label="Amount" className="numeric">
        {format.money(invoice.total, invoice.currency)}
      </td>
      <td data-label="Status">
        {invoice.status ? (
          <span className={`invoice-status invoice-status-${invoice.status}`}>
            {format.status(invoice.status)}
          </span>
        ) : (
          "—"
        )}
      </td>
      <td className="download">
        {invoice.invoicePdf ? (
          <a href={invoice.invoicePdf} aria-label={`Download invoice ${number} PDF`}>
            Download PDF
          </a>
        ) : (
          <span className="muted">No PDF</span>
        )}
      </td>
    </tr>
  );
}
