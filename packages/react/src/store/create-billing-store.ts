import type { Plan } from "../client/api-types.js";
import type { PorticoClient } from "../client/create-client.js";
import { PorticoRequestError } from "../client/request-error.js";
import { createResource } from "./resource.js";
import { type Subscription, toSubscription } from "./to-subscription.js";

export type BillingStore = ReturnType<typeof createBillingStore>;

/**
 * The provider's shared state: one plans request and one subscription per page, and a
 * signal the invoice lists follow, so every refresh (tab shown, interval, return from
 * Stripe) brings the subscription and the invoices up to date together.
 */
export function createBillingStore(client: PorticoClient) {
  const plans = createResource<Plan[]>(() => client.listPlans());
  const invoiceListeners = new Set<() => void>();
  const refreshInvoices = () => {
    for (const listener of invoiceListeners) listener();
  };

  // Plan names are decoration: a catalog that fails to load must not hide the subscription.
  const withNames = async (load: ReturnType<PorticoClient["getSubscription"]>) => {
    const [data, catalog] = await Promise.all([load, plans.read().catch(() => undefined)]);
    return toSubscription(data, catalog);
  };

  const subscription = createResource<Subscription>(() => withNames(client.getSubscription()));

  /** After the portal or Checkout: ask Stripe now, since the webhook may not have landed yet. */
  const syncSubscription = () =>
    subscription
      .refresh(() =>
        withNames(
          client.syncSubscription().catch((error: unknown) => {
            // Rate limited or Stripe down: Portico's own copy is still worth showing.
            if (error instanceof PorticoRequestError && error.status === 401) throw error;
            return client.getSubscription();
          }),
        ),
      )
      .finally(refreshInvoices);

  return {
    plans,
    subscription,
    syncSubscription,
    /** Reloads what the page shows; the first load of anything else stays with its hook. */
    refresh() {
      refreshInvoices();
      return subscription.refreshIfLoaded();
    },
    /** Called on every refresh; returns the unsubscribe. */
    onInvoicesStale(listener: () => void) {
      invoiceListeners.add(listener);
      return () => invoiceListeners.delete(listener);
    },
  };
}
