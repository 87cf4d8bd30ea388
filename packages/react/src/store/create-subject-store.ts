import type { BillingSubject, Plan } from "../client/api-types.js";
import type { PorticoClient } from "../client/create-client.js";
import { PorticoRequestError } from "../client/request-error.js";
import { createResource, type Resource } from "./resource.js";
import { type Subscription, toSubscription } from "./to-subscription.js";

export type SubjectStore = ReturnType<typeof createSubjectStore>;

/**
 * The state of one billing subject: the signed-in user (`organizationId` undefined) or one
 * organization. Its subscription, and a signal its invoice lists follow, so every refresh
 * (tab shown, interval, return from Stripe) brings both up to date together.
 */
export function createSubjectStore(
  client: PorticoClient,
  plans: Resource<Plan[]>,
  organizationId: string | undefined,
) {
  const subject: BillingSubject = organizationId === undefined ? {} : { organizationId };
  const invoiceListeners = new Set<() => void>();
  const refreshInvoices = () => {
    for (const listener of invoiceListeners) listener();
  };

  // Plan names are decoration: a catalog that fails to load must not hide the subscription.
  const withNames = async (load: ReturnType<PorticoClient["getSubscription"]>) => {
    const [data, catalog] = await Promise.all([load, plans.read().catch(() => undefined)]);
    return toSubscription(data, catalog);
  };

  const subscription = createResource<Subscription>(() =>
    withNames(client.getSubscription(subject)),
  );

  /** After the portal or Checkout: ask Stripe now, since the webhook may not have landed yet. */
  const syncSubscription = () =>
    subscription
      .refresh(() =>
        withNames(
          client.syncSubscription(subject).catch((error: unknown) => {
            // Rate limited or Stripe down: Portico's own copy is still worth showing.
            if (error instanceof PorticoRequestError && error.status === 401) throw error;
            return client.getSubscription(subject);
          }),
        ),
      )
      .finally(refreshInvoices);

  return {
    subject,
    subscription,
    syncSubscription,
    /** Sends the new quantity and shows Portico's answer; rejects like the request. */
    async updateSeats(seats: number): Promise<void> {
      subscription.put(await withNames(client.updateSeats({ ...subject, seats })));
    },
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
