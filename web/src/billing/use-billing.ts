import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, api, call, type DataOf } from "../api/client.js";
import { navigate, useLocation } from "../router.js";
import { BILLING_PATH, type ReturnKind, readReturnKind, returnNotice } from "./return-notice.js";
import { usePolling } from "./use-polling.js";

export type Subscription = DataOf<typeof api.billing.subscription.$get>;
export type Invoice = DataOf<typeof api.billing.invoices.$get>["invoices"][number];

export const REFRESH_INTERVAL_MS = 3_000;
const PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 100;

export interface BillingState {
  subscription?: Subscription;
  invoices?: Invoice[];
  nextCursor: string | null;
  /** Why the first load failed; later refreshes keep the last good state quietly. */
  loadError?: string;
  /** The role="status" notice after a return from the portal or Checkout. */
  notice?: string;
}

const fetchSubscription = (sync: boolean) =>
  call(sync ? api.billing.sync.$post() : api.billing.subscription.$get());

const fetchInvoices = (limit: number, cursor?: string) =>
  call(
    api.billing.invoices.$get({
      query: { limit: String(limit), ...(cursor ? { cursor } : {}) },
    }),
  );

/**
 * The billing page's data: loaded once (through `POST /sync` when the visitor comes back
 * from the portal or Checkout, so the page shows Stripe's state before any webhook), then
 * refreshed every few seconds while visible.
 */
export function useBilling() {
  const { search } = useLocation();
  // Read once, before the query is stripped below.
  const [returnKind] = useState<ReturnKind | undefined>(() => readReturnKind(search));
  const [state, setState] = useState<BillingState>({ nextCursor: null });
  const shownInvoices = useRef(PAGE_SIZE);
  const refreshing = useRef(false);

  const load = useCallback(async (sync: boolean) => {
    const limit = Math.min(MAX_PAGE_SIZE, Math.max(PAGE_SIZE, shownInvoices.current));
    const subscription = await fetchSubscription(sync).catch((error: unknown) => {
      // A sync that is rate limited or fails still leaves Portico's copy to show.
      if (sync && !(error instanceof ApiError && error.status === 401)) {
        return fetchSubscription(false);
      }
      throw error;
    });
    const page = await fetchInvoices(limit);
    setState((current) => ({
      ...current,
      subscription,
      invoices: page.invoices,
      nextCursor: page.nextCursor,
      loadError: undefined,
    }));
    return subscription;
  }, []);

  useEffect(() => {
    if (returnKind) navigate(BILLING_PATH, { replace: true });
    // No poll meanwhile: one started before the sync could land after it with older data.
    refreshing.current = true;
    load(returnKind !== undefined)
      .finally(() => {
        refreshing.current = false;
      })
      .then(
        (subscription) => {
          if (returnKind) {
            setState((current) => ({ ...current, notice: returnNotice(returnKind, subscription) }));
          }
        },
        (error: unknown) => {
          const loadError =
            error instanceof ApiError ? error.message : "Billing could not be loaded.";
          setState((current) => ({ ...current, loadError }));
        },
      );
  }, [returnKind, load]);

  usePolling(() => {
    if (refreshing.current) return;
    refreshing.current = true;
    load(false)
      .catch(() => undefined)
      .finally(() => {
        refreshing.current = false;
      });
  }, REFRESH_INTERVAL_MS);

  const loadMoreInvoices = async () => {
    if (!state.nextCursor) return;
    const page = await fetchInvoices(PAGE_SIZE, state.nextCursor);
    setState((current) => {
      const invoices = [...(current.invoices ?? []), ...page.invoices];
      shownInvoices.current = invoices.length;
      return { ...current, invoices, nextCursor: page.nextCursor };
    });
  };

  return { ...state, loadMoreInvoices };
}
