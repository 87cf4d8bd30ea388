"use client";

import { useEffect, useRef } from "react";

/**
 * Calls `refresh` when the tab becomes visible again, so a change made elsewhere (the portal
 * in another tab, a webhook meanwhile) shows without a reload. Hidden tabs cost nothing.
 */
export function useRefreshOnVisible(refresh: () => unknown) {
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => {
    const onChange = () => {
      if (document.visibilityState === "visible") latest.current();
    };
    document.addEventListener("visibilitychange", onChange);
    return () => document.removeEventListener("visibilitychange", onChange);
  }, []);
}
