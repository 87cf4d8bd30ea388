import { useEffect, useRef, useState } from "react";
import { ApiError } from "../api/client.js";

/**
 * A button that asks Portico for a URL (portal, checkout) and leaves for it. One action at
 * a time: a second click while one is pending does nothing, an error is kept for a
 * role="alert" and every button comes back.
 */
export function useRedirectAction<Key extends string>() {
  const [pending, setPending] = useState<Key | null>(null);
  const [error, setError] = useState<string>();
  // State updates are asynchronous; a ref stops a double click landing in the same frame.
  const busy = useRef(false);

  useEffect(() => {
    // Back from the portal through the back/forward cache: the page is as we left it.
    const onPageShow = (event: PageTransitionEvent) => {
      if (!event.persisted) return;
      busy.current = false;
      setPending(null);
    };
    window.addEventListener("pageshow", onPageShow);
    return () => window.removeEventListener("pageshow", onPageShow);
  }, []);

  const run = async (key: Key, fetchUrl: () => Promise<string>) => {
    if (busy.current) return;
    busy.current = true;
    setPending(key);
    setError(undefined);
    try {
      window.location.assign(await fetchUrl());
    } catch (thrown) {
      setError(thrown instanceof ApiError ? thrown.message : "Something went wrong. Try again.");
      setPending(null);
      busy.current = false;
    }
  };

  return { pending, error, run };
}
