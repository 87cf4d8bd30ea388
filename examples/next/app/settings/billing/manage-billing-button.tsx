"use client";

import { useState } from "react";

/**
 * The fetch-based way to the portal, for a client component: POST to the mounted route,
 * which knows the user from the session cookie, then follow the URL it returns.
 */
export function ManageBillingButton({ returnUrl }: { returnUrl: string }) {
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function openPortal() {
    setLoading(true);
    setError(null);
    try {
      const response = await fetch("/api/billing/portal", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ returnUrl }),
      });
      const body = (await response.json()) as
        | { success: true; data: { url: string } }
        | { success: false; error: { message: string } };
      if (!body.success) throw new Error(body.error.message);
      window.location.href = body.data.url;
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Could not open the billing portal");
      setLoading(false);
    }
  }

  return (
    <>
      <button type="button" onClick={openPortal} disabled={loading} aria-busy={loading}>
        {loading ? "Opening the portal…" : "Manage billing (fetch)"}
      </button>
      {error && <p role="alert">{error}</p>}
    </>
  );
}
