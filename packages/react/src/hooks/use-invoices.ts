"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { Invoice } from "../client/api-types.js";
import { type BillingSubjectOption, useBillingSubject, usePortico } from "../provider.js";
import type { SubjectStore } from "../store/create-subject-store.js";

export interface UseInvoicesResult {
  invoices: Invoice[] | undefined;
  isLoading: boolean;
  error: Error | undefined;
  hasMore: boolean;
  isLoadingMore: boolean;
  /** Appends the next page; does nothing on the last page or while a page is loading. */
  loadMore: () => Promise<void>;
}

/** Portico's largest page: a refresh reloads at most this many of the shown invoices. */
const MAX_PAGE_SIZE = 100;

/** What was loaded, and for which subject: after a switch, another subject's rows are stale. */
interface Loaded {
  owner: SubjectStore;
  invoices: Invoice[];
  cursor: string | null;
}

/**
 * The invoices of the signed-in user, or of an organization (`organizationId`, default the
 * provider's), newest first, a page at a time (Portico's cursor pagination). The provider's
 * refreshes (tab shown, interval, return from Stripe) reload the invoices shown.
 */
export function useInvoices(
  options: { pageSize?: number } & BillingSubjectOption = {},
): UseInvoicesResult {
  const { client } = usePortico();
  const { organizationId, subject } = useBillingSubject(options.organizationId);
  const pageSize = options.pageSize ?? 10;
  const [loaded, setLoaded] = useState<Loaded>();
  const [failed, setFailed] = useState<{ owner: SubjectStore; error: Error }>();
  const [isLoadingMore, setLoadingMore] = useState(false);
  // A state update lands a render later; the ref stops two clicks fetching the same page.
  const busy = useRef(false);
  const shown = useRef(0);
  // State set for the previous subject is ignored in the very render that switches, so its
  // invoices never show under the new one, not even until the effect below has run.
  const page = loaded?.owner === subject ? loaded : undefined;
  const error = failed?.owner === subject ? failed.error : undefined;

  useEffect(() => {
    let current = true;
    // Only the newest reload may land: an older answer arriving late would show stale rows.
    let latest = 0;
    let hasLoaded = false;
    shown.current = 0;
    const reload = () => {
      const id = ++latest;
      const limit = Math.min(MAX_PAGE_SIZE, Math.max(pageSize, shown.current));
      client.listInvoices({ organizationId, limit }).then(
        (answer) => {
          if (!current || id !== latest) return;
          shown.current = answer.invoices.length;
          hasLoaded = true;
          setLoaded({ owner: subject, invoices: answer.invoices, cursor: answer.nextCursor });
          setFailed(undefined);
        },
        // A failed refresh keeps the invoices already shown.
        (failure: unknown) => {
          if (current && id === latest && !hasLoaded)
            setFailed({ owner: subject, error: asError(failure) });
        },
      );
    };
    reload();
    const stop = subject.onInvoicesStale(reload);
    return () => {
      current = false;
      stop();
    };
  }, [client, subject, organizationId, pageSize]);

  const cursor = page?.cursor ?? null;
  const loadMore = useCallback(async () => {
    if (!cursor || busy.current) return;
    busy.current = true;
    setLoadingMore(true);
    try {
      const more = await client.listInvoices({ organizationId, limit: pageSize, cursor });
      setLoaded((previous) => {
        if (previous?.owner !== subject) return previous;
        const invoices = [...previous.invoices, ...more.invoices];
        shown.current = invoices.length;
        return { owner: subject, invoices, cursor: more.nextCursor };
      });
    } finally {
      busy.current = false;
      setLoadingMore(false);
    }
  }, [client, subject, organizationId, cursor, pageSize]);

  return {
    invoices: page?.invoices,
    isLoading: page === undefined && error === undefined,
    error,
    hasMore: cursor !== null,
    isLoadingMore,
    loadMore,
  };
}

const asError = (value: unknown) => (value instanceof Error ? value : new Error(String(value)));
