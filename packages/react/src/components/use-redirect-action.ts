"use client";

import { useEffect, useRef, useState } from "react";
import { describeError } from "../format.js";
import type { PorticoMessages } from "../messages.js";

export type RedirectState = "idle" | "pending" | "error";

/**
 * A button that asks Portico for a Stripe URL and leaves for it. One request at a time; a
 * failure becomes the `role="alert"` text, takes the focus (the disabled button lost it)
 * and gives the button back.
 */
export function useRedirectAction(messages: PorticoMessages) {
  const [state, setState] = useState<RedirectState>("idle");
  const [error, setError] = useState<string>();
  const alertRef = useRef<HTMLParagraphElement>(null);
  // State updates land a render later; the ref stops a double click sending two requests.
  const busy = useRef(false);

  useEffect(() => {
    if (state === "error") alertRef.current?.focus();
  }, [state]);

  useEffect(() => {
    // Back from Stripe through the back/forward cache: the page is as it was left, pending.
    const onPageShow = (event: PageTransitionEvent) => {
      if (!event.persisted) return;
      busy.current = false;
      setState("idle");
    };
    window.addEventListener("pageshow", onPageShow);
    return () => window.removeEventListener("pageshow", onPageShow);
  }, []);

  const run = async (fetchUrl: () => Promise<string>) => {
    if (busy.current) return;
    busy.current = true;
    setState("pending");
    setError(undefined);
    try {
      // Stays pending on success: the page is leaving.
      window.location.assign(await fetchUrl());
    } catch (thrown) {
      setError(describeError(thrown, messages));
      setState("error");
      busy.current = false;
    }
  };

  return { state, error, alertRef, run };
}
