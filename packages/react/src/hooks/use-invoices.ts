"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { Invoice } from "../client/api-types.js";
import { usePortico } from "../provider.js";

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

/**
 * The user's invoices, newest first, a page at a time (Portico's cursor pagination). The
 * provider's refreshes (tab shown, interval, return from Stripe) reload the invoices shown.
 */
export function useInvoices(options: { pageSize?: number } = {}): UseInvoicesResult {
  const { client, store } = usePortico();
  const pageSize = options.pageSize ?? 10;
  const [invoices, setInvoices] = useState<Invoice[]>();
  const [error, setError] = useState<Error>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [isLoadingMore, setLoadingMore] = useState(false);
  // A state update lands a render later; the ref stops two clicks fetching the same page.
  const busy = useRef(false);
  const shown = useRef(0);
  const loaded = useRef(false);

  useEffect(() => {
    let current = true;
    // Only the newest reload may land: an older answer arriving late would show stale rows.
    let latest = 0;
    const reload = () => {
      const id = ++latest;
      const limit = Math.min(MAX_PAGE_SIZE, Math.max(pageSize, shown.current));
      client.listInvoices({ limit }).then(
        (page) => {
          if (!current || id !== latest) return;
          shown.current = page.invoices.length;
          loaded.current = true;
          setInvoices(page.invoices);
          setCursor(page.nextCursor);
          setError(undefined);
        },
        // A failed refresh keeps the invoices already shown.
        (failure: unknown) => {
          if (current && id === latest && !loaded.current) setError(asError(failure));
        },
      );
    };
    reload();
    const stop = store.onInvoicesStale(reload);
    return () => {
      current = false;
      stop();
    };
  }, [client, store, pageSize]);

  const loadMore = useCallback(async () => {
    if (!cursor || busy.current) return;
    busy.current = true;
    setLoadingMore(true);
    try {
      const page = await client.listInvoices({ limit: pageSize, cursor });
      setInvoices((previous) => {
        const next = [...(previous ?? []), ...page.invoices];
        shown.current = next.length;
        return next;
      });
      setCursor(page.nextCursor);
    } finally {
      busy.current = false;
      setLoadingMore(false);
    }
  }, [client, cursor, pageSize]);

  return {
    invoices,
    isLoading: invoices === undefined && error === undefined,
    error,
    hasMore: cursor !== null,
    isLoadingMore,
    loadMore,
  };
}

const asError = (value: unknown) => (value instanceof Error ? value : new Error(String(value)));
