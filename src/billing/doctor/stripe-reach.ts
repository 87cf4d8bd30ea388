/**
 * "api.stripe.com: ENOTFOUND" instead of "Stripe is unavailable, retry shortly": when
 * Stripe cannot be reached, the host tried and the network's own reason are what a
 * person can act on (DNS, a proxy, a firewall, a wrong STRIPE_API_BASE).
 */

const STRIPE_API = "https://api.stripe.com";

/** The origin the SDK sends to: STRIPE_API_BASE, else Stripe's own API. */
export function stripeApiOrigin(apiBase: string | undefined): string {
  return apiBase ? new URL(apiBase).origin : STRIPE_API;
}

/** `api.stripe.com`, or `127.0.0.1:12111` for an emulator. */
export function stripeApiHost(apiBase: string | undefined): string {
  return new URL(stripeApiOrigin(apiBase)).host;
}

/**
 * The network error code behind a failed call (`ENOTFOUND`, `ECONNREFUSED`, …), or undefined
 * when Stripe answered. The SDK keeps the socket error under `detail` of its
 * StripeConnectionError; Portico's own error keeps the SDK's under `cause`.
 */
export function findNetworkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^E[A-Z_]+$/.test(code)) return code;
    const next = current as { cause?: unknown; detail?: unknown };
    current = next.detail instanceof Error ? next.detail : next.cause;
  }
  return undefined;
}

/** Whether the SDK gave up for want of a connection (as opposed to Stripe refusing). */
function isConnectionFailure(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    if ((current as { type?: unknown }).type === "StripeConnectionError") return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * `api.stripe.com: ENOTFOUND` when the failure is the network's, else undefined (Stripe
 * answered, e.g. refused the key). A timeout without a code reads `…: timed out`.
 */
export function describeStripeUnreachable(
  error: unknown,
  apiBase: string | undefined,
): string | undefined {
  const code = findNetworkCode(error);
  if (code) return `${stripeApiHost(apiBase)}: ${code}`;
  if (!isConnectionFailure(error)) return undefined;
  const message = error instanceof Error ? innermostMessage(error) : String(error);
  return `${stripeApiHost(apiBase)}: ${/timeout|timed out/i.test(message) ? "timed out" : message}`;
}

function innermostMessage(error: Error): string {
  let current: Error = error;
  for (let depth = 0; depth < 6; depth++) {
    const next = (current as { detail?: unknown }).detail ?? current.cause;
    if (!(next instanceof Error)) break;
    current = next;
  }
  return current.message;
}

/** The next step when Stripe cannot be reached. */
export function reachStripeAdvice(apiBase: string | undefined): string {
  return apiBase
    ? `check that STRIPE_API_BASE (${stripeApiOrigin(apiBase)}) is right and answering`
    : `check that this host reaches ${STRIPE_API} (DNS, proxy, firewall)`;
}
