import {
  useBillingFormat,
  useInvoices,
  usePlans,
  useReturnNotice,
  useSubscription,
} from "@portico/react";
import { BillingActions } from "../components/billing-actions.js";
import { InvoiceTable } from "../components/invoice-table.js";
import { PageTitle } from "../components/page-title.js";
import { PaymentMethod } from "../components/payment-method.js";
import { StatusBadge } from "../components/status-badge.js";

export function BillingPage() {
  const { subscription, error } = useSubscription();
  const { plans } = usePlans();
  const invoices = useInvoices();
  const notice = useReturnNotice();
  const format = useBillingFormat();
  const description = plans?.find((plan) => plan.key === subscription?.plan?.key)?.description;
  const renewal = subscription && format.renewal(subscription);

  return (
    <>
      <PageTitle title="Billing">Your plan, payment method and invoices.</PageTitle>
      {/* Present before any message, so screen readers announce what is put in it. */}
      <div className="notice-region" role="status">
        {notice && <p className="notice">{notice}</p>}
      </div>
      {error && !subscription && (
        <p className="alert" role="alert">
          {error.message}
        </p>
      )}
      {!subscription ? (
        !error && (
          <p className="loading" aria-busy="true">
            Loading billing…
          </p>
        )
      ) : (
        <div className="billing-grid">
          <section className="card plan-card-current" aria-labelledby="current-plan-heading">
            <h2 id="current-plan-heading">Current plan</h2>
            <div className="plan-summary">
              <span className="plan-name" data-testid="plan-name">
                {subscription.plan?.name ?? format.messages.freePlan}
              </span>
              {subscription.status && <StatusBadge status={subscription.status} />}
            </div>
            {description && <p className="muted">{description}</p>}
            {renewal && (
              <p className="renewal" data-testid="renewal">
                {renewal}
              </p>
            )}
            <BillingActions subscription={subscription} />
          </section>
          <section className="card" aria-labelledby="payment-method-heading">
            <h2 id="payment-method-heading">Payment method</h2>
            <PaymentMethod card={subscription.paymentMethod} />
          </section>
          <section className="card invoices-card" aria-labelledby="invoices-heading">
            <h2 id="invoices-heading">Invoices</h2>
            <InvoiceTable
              invoices={invoices.invoices ?? []}
              hasMore={invoices.hasMore}
              loadMore={invoices.loadMore}
            />
          </section>
        </div>
      )}
    </>
  );
}
