import type { EmulatorEvent } from "../store.js";
import type { WebhookEndpoint } from "./endpoints.js";
import { signWebhookPayload } from "./signing.js";

export type SendResult = {
  status: number | null;
  error: string | null;
  delivered: boolean;
  durationMs: number;
};

const USER_AGENT = "Stripe/1.0 (+https://stripe.com/docs/webhooks)";

/**
 * One signed POST of an event to an endpoint. The body is re-serialised per attempt, as
 * Stripe does, so `pending_webhooks` reflects deliveries that already succeeded.
 */
export async function sendWebhook(
  endpoint: WebhookEndpoint,
  event: EmulatorEvent,
  timeoutMs: number,
  cancel: AbortSignal,
): Promise<SendResult> {
  // Stripe pretty-prints webhook bodies; receivers must verify the raw bytes, not re-encode.
  const body = JSON.stringify(event, null, 2);
  // Signed with real time, not the account clock: receivers check the timestamp against
  // their own clock, and an advanced test clock would put every delivery outside tolerance.
  const signature = signWebhookPayload(body, endpoint.secret ?? "", Math.floor(Date.now() / 1000));
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(endpoint.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "Stripe-Signature": signature,
        Accept: "*/*; q=0.5, application/xml",
        "Cache-Control": "no-cache",
      },
      body,
      redirect: "manual",
      signal: AbortSignal.any([cancel, AbortSignal.timeout(timeoutMs)]),
    });
    // Reading the body frees the connection, and a slow body counts against the timeout.
    await response.arrayBuffer();
    const delivered = response.status >= 200 && response.status < 300;
    return { status: response.status, error: null, delivered, durationMs: elapsed() };
  } catch (error) {
    const timedOut = error instanceof Error && error.name === "TimeoutError";
    const message = timedOut ? "timeout" : describeNetworkError(error);
    return { status: null, error: message, delivered: false, durationMs: elapsed() };
  }
}

/** fetch wraps the useful part (ECONNREFUSED, ECONNRESET) in `cause`. */
function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error) return "code" in cause ? String(cause.code) : cause.message;
  return error.message;
}
