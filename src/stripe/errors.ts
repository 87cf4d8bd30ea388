import Stripe from "stripe";
import { PorticoError } from "../errors.js";

/** A Stripe object the caller referred to does not exist (or was deleted). */
export class StripeMissingError extends Error {
  constructor(
    readonly param: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`Stripe resource missing${param ? ` (${param})` : ""}`, options);
    this.name = "StripeMissingError";
  }
}

// Stripe words this error differently over time; the stable part is the advice.
const PORTAL_SETTINGS_HINT = /customer portal settings/i;

/**
 * Turns an SDK error into Portico's vocabulary. Nothing from Stripe's message is
 * passed to clients except through these fixed messages.
 */
export function mapStripeError(error: unknown): Error {
  if (!(error instanceof Stripe.errors.StripeError)) return error as Error;
  if (error.code === "resource_missing")
    return new StripeMissingError(error.param, { cause: error });
  if (
    error instanceof Stripe.errors.StripeInvalidRequestError &&
    PORTAL_SETTINGS_HINT.test(error.message)
  ) {
    return new PorticoError(
      "PORTAL_NOT_CONFIGURED",
      "No customer portal configuration is available. Run `portico stripe apply`, or save the portal settings in the Stripe Dashboard.",
      { cause: error, retryAfter: 60 },
    );
  }
  if (
    error instanceof Stripe.errors.StripeInvalidRequestError &&
    error.param?.startsWith("flow_data")
  ) {
    // The configuration lacks the flow's feature, or the subscription can't take it (e.g. canceled).
    const message = "flow is not available for this subscription with the portal configuration";
    return new PorticoError("VALIDATION_ERROR", message, {
      cause: error,
      details: [{ path: ["flow"], message }],
    });
  }
  if (
    error instanceof Stripe.errors.StripeAuthenticationError ||
    error instanceof Stripe.errors.StripePermissionError
  ) {
    return new PorticoError("SERVICE_UNAVAILABLE", "Stripe rejected the configured API key", {
      cause: error,
    });
  }
  if (error.code === "idempotency_key_in_use") {
    // A concurrent request with the same key (a double submit) is still running.
    return new PorticoError("CONFLICT", "The same request is already in progress, retry shortly", {
      cause: error,
      retryAfter: 1,
    });
  }
  if (error instanceof Stripe.errors.StripeRateLimitError) {
    return new PorticoError(
      "STRIPE_UNAVAILABLE",
      "Stripe is rate limiting requests, retry shortly",
      {
        cause: error,
        retryAfter: 2,
      },
    );
  }
  if (
    error instanceof Stripe.errors.StripeConnectionError ||
    error instanceof Stripe.errors.StripeAPIError ||
    (error.statusCode ?? 0) >= 500
  ) {
    return new PorticoError("STRIPE_UNAVAILABLE", "Stripe is unavailable, retry shortly", {
      cause: error,
      retryAfter: 5,
    });
  }
  return error;
}

/** Stripe refused the request as it stands (a 400), e.g. for the object's current state. */
export const isStripeRefusal = (error: unknown): boolean =>
  error instanceof Stripe.errors.StripeInvalidRequestError;

/** Runs a Stripe call, translating its failures. */
export async function callStripe<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw mapStripeError(error);
  }
}
