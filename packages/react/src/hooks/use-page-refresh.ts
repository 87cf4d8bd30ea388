"use client";

import { useEffect, useRef } from "react";

/**
 * Calls `refresh` when the tab becomes visible again and, with an interval, every
 * `intervalMs` while it is visible: a change made elsewhere (the portal in another tab, a
 * webhook meanwhile) shows without a reload. Hidden tabs cost nothing.
 */
export function usePageRefresh(refresh: () => unknown, intervalMs: number | undefined) {
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => {
    const visible = () => document.visibilityState === "visible";
    const onChange = () => {
      if (visible()) latest.current();
    };
    document.addEventListener("visibilitychange", onChange);
    const timer =
      intervalMs && intervalMs > 0
        ? setInterval(() => visible() && latest.current(), intervalMs)
        : undefined;
    return () => {
      document.removeEventListener("visibilitychange", onChange);
      clearInterval(timer);
    };
  }, [intervalMs]);
}
