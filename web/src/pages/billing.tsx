import { useBilling } from "../billing/use-billing.js";
import { planName, usePlans } from "../billing/use-plans.js";
import { BillingActions } from "../components/billing-actions.js";
import { InvoiceTable } from "../components/invoice-table.js";
import { PageTitle } from "../components/page-title.js";
import { PaymentMethod } from "../components/payment-method.js";
import { RenewalLine } from "../components/renewal-line.js";
import { StatusBadge } from "../components/status-badge.js";

export function BillingPage() {
  const billing = useBilling();
  const { plans } = usePlans();
  const { subscription, invoices } = billing;
  const plan = subscription && plans?.find((candidate) => candidate.key === subscription.plan);
  const hasCustomer = subscription?.hasCustomer ?? false;

  return (
    <>
      <PageTitle title="Billing">Your plan, payment method and invoices.</PageTitle>
      {/* Present before any message, so screen readers announce what is put in it. */}
      <div className="notice-region" role="status">
        {billing.notice && <p className="notice">{billing.notice}</p>}
      </div>
      {billing.loadError && !subscription && (
        <p className="alert" role="alert">
          {billing.loadError}
        </p>
      )}
      {!subscription ? (
        !billing.loadError && (
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
                {planName(plans, subscription.plan)}
              </span>
              {subscription.status && <StatusBadge status={subscription.status} />}
            </div>
            {plan?.description && <p className="muted">{plan.description}</p>}
            <RenewalLine subscription={subscription} />
            <BillingActions subscription={subscription} hasCustomer={hasCustomer} />
          </section>
          <section className="card" aria-labelledby="payment-method-heading">
            <h2 id="payment-method-heading">Payment method</h2>
            <PaymentMethod card={subscription.paymentMethod} />
          </section>
          <section className="card invoices-card" aria-labelledby="invoices-heading">
            <h2 id="invoices-heading">Invoices</h2>
            <InvoiceTable
              invoices={invoices ?? []}
              hasMore={billing.nextCursor !== null}
              loadMore={billing.loadMoreInvoices}
            />
          </section>
        </div>
      )}
    </>
  );
}
