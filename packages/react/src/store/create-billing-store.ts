import type { Plan } from "../client/api-types.js";
import type { PorticoClient } from "../client/create-client.js";
import { createSubjectStore, type SubjectStore } from "./create-subject-store.js";
import { createResource } from "./resource.js";

export type BillingStore = ReturnType<typeof createBillingStore>;

/**
 * The provider's shared state: one plans request per page (the catalog is the same for
 * every subject) and one store per billing subject, so the user's billing and an
 * organization's shown on one page never share a subscription or an invoice list.
 */
export function createBillingStore(client: PorticoClient) {
  const plans = createResource<Plan[]>(() => client.listPlans());
  const subjects = new Map<string | undefined, SubjectStore>();

  return {
    plans,
    /** The store of `organizationId` (the user's when undefined), made on first use. */
    forSubject(organizationId: string | undefined): SubjectStore {
      let store = subjects.get(organizationId);
      if (!store) {
        store = createSubjectStore(client, plans, organizationId);
        subjects.set(organizationId, store);
      }
      return store;
    },
    /** Reloads what the page shows, for every subject on it. */
    async refresh(): Promise<void> {
      await Promise.all([...subjects.values()].map((store) => store.refresh()));
    },
  };
}
