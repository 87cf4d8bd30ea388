import { DrizzleQueryError } from "drizzle-orm/errors";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { isDataError } from "../db/sql-state.js";
import { PorticoError } from "../errors.js";
import { stripeRequestIdOf } from "../stripe/call-metrics.js";
import { StripeMissingError } from "../stripe/errors.js";
import { StripeModeNotConfiguredError } from "../stripe/gateway.js";
import type { AppEnv } from "./context.js";

/** Everything thrown becomes a PorticoError; anything unexpected is an INTERNAL_ERROR. */
export function toPorticoError(error: unknown): { error: PorticoError; unexpected: boolean } {
  if (error instanceof PorticoError) return { error, unexpected: false };
  if (error instanceof StripeModeNotConfiguredError) {
    return {
      error: new PorticoError(
        "STRIPE_NOT_CONFIGURED",
        `Stripe is not configured for ${error.mode} mode`,
      ),
      unexpected: false,
    };
  }
  if (error instanceof StripeMissingError && error.param === "configuration") {
    return {
      error: new PorticoError(
        "PORTAL_NOT_CONFIGURED",
        "The portal configuration no longer exists in Stripe",
        {
          retryAfter: 60,
        },
      ),
      unexpected: false,
    };
  }
  // A statement refused for its values (SQLSTATE class 22 or 23) is not an outage: retrying
  // the same values fails the same way. Every request value is validated before it reaches
  // SQL, so one that gets here is our bug, answered as INTERNAL_ERROR below.
  if (error instanceof DrizzleQueryError && !isDataError(error)) {
    // Logged (as unexpected, without its values); the client only learns that retrying may help.
    return {
      error: new PorticoError("SERVICE_UNAVAILABLE", "The database is unavailable, retry shortly", {
        cause: error,
        retryAfter: 5,
      }),
      unexpected: true,
    };
  }
  if (error instanceof HTTPException && error.status < 500) {
    // Hono's own 4xx: malformed JSON from the validator, oversized bodies.
    const message =
      error.status === 413 ? "Request body is too large" : "Request body is not valid JSON";
    return {
      error: new PorticoError("VALIDATION_ERROR", message, {
        details: [{ path: [], location: "body", message }],
      }),
      unexpected: false,
    };
  }
  return {
    error: new PorticoError("INTERNAL_ERROR", "Something went wrong on our side", { cause: error }),
    unexpected: true,
  };
}

/** FastAPI's wording on the `/api/v1` contract. */
const DETAIL_MESSAGES: Partial<Record<PorticoError["code"], string>> = {
  UNAUTHORIZED: "Not authenticated",
  NOT_FOUND: "No Stripe customer found for user",
  STRIPE_NOT_CONFIGURED: "Project not found or Stripe not configured",
};

export function renderError(c: Context<AppEnv>, thrown: unknown): Response {
  const { error, unexpected } = toPorticoError(thrown);
  const requestId = c.get("requestId");
  const logger = c.get("logger");
  // Stripe's own request id (`req_…` in their dashboard and support) for any Stripe failure.
  const stripeRequestId = stripeRequestIdOf(thrown);
  const stripe = stripeRequestId ? { stripeRequestId } : {};
  if (unexpected) logger?.error({ err: thrown, requestId, ...stripe }, "unhandled error");
  else if (error.status >= 500)
    logger?.warn(
      { err: error.cause ?? error, code: error.code, requestId, ...stripe },
      error.message,
    );
  else if (stripeRequestId)
    logger?.info({ code: error.code, requestId, ...stripe }, `Stripe refused: ${error.message}`);

  if (error.retryAfter !== undefined) c.header("Retry-After", String(error.retryAfter));
  // Stripe-not-configured is a 404 on the FastAPI contract, as that API documents it.
  const style = c.get("errorStyle") ?? "envelope";
  if (style === "detail") {
    const status = error.code === "STRIPE_NOT_CONFIGURED" ? 404 : error.status;
    const detail =
      error.code === "VALIDATION_ERROR"
        ? (error.details ?? []).map((issue) => ({
            loc: [issue.location ?? "body", ...issue.path],
            msg: issue.message,
            type: issue.kind ?? "value_error",
          }))
        : (DETAIL_MESSAGES[error.code] ?? error.message);
    return c.json({ detail }, status as ContentfulStatusCode);
  }
  return c.json(
    {
      success: false as const,
      error: {
        code: error.code,
        message: error.message,
        ...(error.details
          ? { details: error.details.map(({ path, message }) => ({ path, message })) }
          : {}),
        requestId,
      },
    },
    error.status as ContentfulStatusCode,
  );
}
