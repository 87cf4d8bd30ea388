import Stripe from "stripe";
import { PorticoError } from "../errors.js";
import { callStripe, StripeMissingError } from "./errors.js";

/** How a Stripe API call ended, coarse enough to be a metric label. */
export type StripeCallOutcome =
  | "ok"
  | "not_found"
  | "invalid_request"
  | "auth_error"
  | "rate_limited"
  | "connection_error"
  | "api_error"
  /** Not sent: this instance already had its maximum of calls in flight. */
  | "shed"
  | "error";

/** What the gateway reports about each call; `metrics/` implements it with prom-client. */
export interface StripeCallMetrics {
  observeStripeCall(operation: string, outcome: StripeCallOutcome, seconds: number): void;
}

/** The SDK error behind a (possibly already translated) failure. */
function findStripeError(error: unknown): Stripe.errors.StripeError | undefined {
  let current = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof Stripe.errors.StripeError) return current;
    current = current.cause;
  }
  return undefined;
}

/** Stripe's `Request-Id` of the failed call, for the log line that support will ask for. */
export function stripeRequestIdOf(error: unknown): string | undefined {
  return findStripeError(error)?.requestId;
}

export function classifyStripeOutcome(error: unknown): StripeCallOutcome {
  if (error instanceof StripeMissingError) return "not_found";
  const stripeError = findStripeError(error);
  if (!stripeError) return "error";
  if (stripeError instanceof Stripe.errors.StripeRateLimitError) return "rate_limited";
  if (
    stripeError instanceof Stripe.errors.StripeAuthenticationError ||
    stripeError instanceof Stripe.errors.StripePermissionError
  )
    return "auth_error";
  if (stripeError instanceof Stripe.errors.StripeConnectionError) return "connection_error";
  if (stripeError instanceof Stripe.errors.StripeAPIError || (stripeError.statusCode ?? 0) >= 500)
    return "api_error";
  return "invalid_request";
}

/**
 * `callStripe` that also reports the operation's outcome and latency. The
 * latency includes the SDK's own retries: it is what the caller waited.
 *
 * At most `maxInFlight` calls wait on Stripe at once. When Stripe slows down, requests
 * beyond that are answered at once with a retryable 503 instead of queueing without
 * bound (and holding their clients' connections) behind the slow ones.
 */
export function createStripeCaller(
  metrics: StripeCallMetrics | undefined,
  maxInFlight = Number.POSITIVE_INFINITY,
) {
  let inFlight = 0;
  return async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    if (inFlight >= maxInFlight) {
      metrics?.observeStripeCall(operation, "shed", 0);
      throw new PorticoError("STRIPE_UNAVAILABLE", "Stripe is busy, retry shortly", {
        retryAfter: 1,
      });
    }
    inFlight++;
    const started = performance.now();
    const observe = (outcome: StripeCallOutcome) =>
      metrics?.observeStripeCall(operation, outcome, (performance.now() - started) / 1000);
    try {
      const result = await callStripe(run);
      observe("ok");
      return result;
    } catch (error) {
      observe(classifyStripeOutcome(error));
      throw error;
    } finally {
      inFlight--;
    }
  };
}
