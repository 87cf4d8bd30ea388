import type { IncomingMessage } from "node:http";
import type { Context, MiddlewareHandler } from "hono";
import { parseApiKey } from "../http/auth.js";
import { StripeApiError } from "../http/errors.js";
import { generateRequestId, sendJson, toErrorResponse } from "../http/pipeline.js";
import type { FaultRegistry } from "./fault-registry.js";
import { type FaultRule, matchesRequest, rollFault } from "./fault-rules.js";

/** The key fault rules use for an account and mode: `abc:test`. */
export function formatAccountKey(accountId: string, livemode: boolean): string {
  return `${accountId}:${livemode ? "live" : "test"}`;
}

function readAccountKey(header: string | undefined): string | null {
  try {
    const { accountId, livemode } = parseApiKey(header);
    return formatAccountKey(accountId, livemode);
  } catch {
    // An unauthenticated request still meets global rules; auth fails later, as usual.
    return null;
  }
}

const apiError = { status: 500, type: "api_error", replayable: false } as const;

/** The raw socket under @hono/node-server; absent when the app is called via `app.fetch`. */
function findSocket(c: Context) {
  const env = c.env as { incoming?: IncomingMessage } | undefined;
  return env?.incoming?.socket;
}

function sendStripeError(c: Context, error: StripeApiError) {
  return sendJson(c, toErrorResponse(error, generateRequestId()));
}

/** Drops the connection without a response, as a reset or a dead load balancer would. */
function dropConnection(c: Context) {
  const socket = findSocket(c);
  if (!socket) {
    return sendStripeError(c, new StripeApiError("Connection reset (emulated).", apiError));
  }
  socket.destroy();
  return c.body(null, 500);
}

/**
 * Holds the request without answering until `ms` pass, the rule is cleared or the client
 * gives up, then drops it.
 */
async function holdRequest(c: Context, faults: FaultRegistry, rule: FaultRule) {
  const socket = findSocket(c);
  const clientGone = new Promise<void>((resolve) => socket?.once("close", () => resolve()));
  await Promise.race([faults.hold([rule], rule.ms), clientGone]);
  return dropConnection(c);
}

function applyFailure(c: Context, faults: FaultRegistry, rule: FaultRule) {
  switch (rule.kind) {
    case "rate_limit":
      // No `Stripe-Should-Retry` header: the SDK must not retry a 429 on its own.
      return sendStripeError(
        c,
        new StripeApiError(
          "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.",
          { status: 429, code: "rate_limit", replayable: false },
        ),
      );
    case "api_error":
      return sendStripeError(c, new StripeApiError("An unknown error occurred", apiError));
    case "connection_reset":
      return dropConnection(c);
    case "timeout":
      return holdRequest(c, faults, rule);
    case "latency":
      throw new Error("latency is not a failure");
  }
}

/** Applies matching rules before the request reaches auth, idempotency or the handler. */
export function createFaultMiddleware(faults: FaultRegistry): MiddlewareHandler {
  return async (c, next) => {
    if (faults.rules.length === 0) return next();
    const request = {
      method: c.req.method,
      path: c.req.path,
      account: readAccountKey(c.req.header("authorization")),
    };
    const hit = {
      at: new Date().toISOString(),
      method: request.method,
      path: request.path,
      idempotency_key: c.req.header("idempotency-key") ?? null,
    };
    const latencies: FaultRule[] = [];
    let failure: FaultRule | undefined;
    for (const rule of faults.rules) {
      if (!matchesRequest(rule, request)) continue;
      if (rule.kind === "latency") {
        if (rollFault(rule, hit)) latencies.push(rule);
      } else if (!failure && rollFault(rule, hit)) {
        failure = rule;
      }
    }
    const latencyMs = latencies.reduce((sum, rule) => sum + rule.ms, 0);
    if (latencyMs > 0) await faults.hold(latencies, latencyMs);
    if (failure) return applyFailure(c, faults, failure);
    return next();
  };
}
