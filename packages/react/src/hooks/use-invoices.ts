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

/** The user's invoices, newest first, a page at a time (Portico's cursor pagination). */
export function useInvoices(options: { pageSize?: number } = {}): UseInvoicesResult {
  const { client } = usePortico();
  const pageSize = options.pageSize ?? 10;
  const [invoices, setInvoices] = useState<Invoice[]>();
  const [error, setError] = useState<Error>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [isLoadingMore, setLoadingMore] = useState(false);
  // A state update lands a render later; the ref stops two clicks fetching the same page.
  const busy = useRef(false);

  useEffect(() => {
    let current = true;
    client.listInvoices({ limit: pageSize }).then(
      (page) => {
        if (!current) return;
        setInvoices(page.invoices);
        setCursor(page.nextCursor);
      },
      (failure: unknown) => current && setError(asError(failure)),
    );
    return () => {
      current = false;
    };
  }, [client, pageSize]);

  const loadMore = useCallback(async () => {
    if (!cursor || busy.current) return;
    busy.current = true;
    setLoadingMore(true);
    try {
      const page = await client.listInvoices({ limit: pageSize, cursor });
      setInvoices((shown) => [...(shown ?? []), ...page.invoices]);
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
