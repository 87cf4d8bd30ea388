import { SIGNATURE_HEADER } from "./webhook-signature.js";

/** How an endpoint answered one attempt. A body is never kept: it may hold anything. */
export type SendOutcome =
  | { ok: true; status: number }
  | { ok: false; status: number | null; error: string };

/**
 * POSTs a signed event and reads only the status. Redirects are not followed (a 3xx is a
 * failure: the endpoint's URL should be the final one), and the request is abandoned after
 * `timeoutMs` or when `signal` aborts (a shutdown).
 */
export async function sendWebhook(request: {
  url: string;
  body: string;
  signature: string;
  timeoutMs: number;
  signal: AbortSignal;
  fetcher?: typeof fetch;
}): Promise<SendOutcome> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  try {
    const response = await (request.fetcher ?? fetch)(request.url, {
      method: "POST",
      redirect: "manual",
      headers: {
        "content-type": "application/json",
        "user-agent": "Portico-Webhooks/1",
        [SIGNATURE_HEADER]: request.signature,
      },
      body: request.body,
      signal: AbortSignal.any([timeout, request.signal]),
    });
    // Free the connection without reading what the endpoint said.
    await response.body?.cancel().catch(() => {});
    if (response.status >= 200 && response.status < 300)
      return { ok: true, status: response.status };
    const redirect = response.status >= 300 && response.status < 400;
    return {
      ok: false,
      status: response.status,
      error: `HTTP ${response.status}${redirect ? " (redirects are not followed)" : ""}`,
    };
  } catch (error) {
    if (timeout.aborted)
      return { ok: false, status: null, error: `no answer within ${request.timeoutMs} ms` };
    if (request.signal.aborted)
      return { ok: false, status: null, error: "cut short by a shutdown" };
    return { ok: false, status: null, error: describeNetworkError(error) };
  }
}

/** `ECONNREFUSED`, `ENOTFOUND`…: the cause's code, never a URL with its query. */
function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === "string") return `could not connect: ${cause.code}`;
  return "could not connect";
}
