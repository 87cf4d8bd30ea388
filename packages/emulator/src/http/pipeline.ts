import type { Context } from "hono";
import { API_VERSION } from "../api-version.js";
import { generateRandomString } from "../ids.js";
import type { Store } from "../store.js";
import { parseApiKey } from "./auth.js";
import { StripeApiError } from "./errors.js";
import { parseForm } from "./form.js";
import { claimIdempotencyKey, type StoredResponse } from "./idempotency.js";
import type { ApiHandler } from "./route.js";
import { assertRecognizedPath } from "./unrecognized.js";

function generateRequestId(): string {
  return `req_${generateRandomString(14)}`;
}

function sendJson(c: Context, response: StoredResponse, extraHeaders: Record<string, string> = {}) {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "Request-Id": response.requestId,
    "Stripe-Version": c.req.header("stripe-version") ?? API_VERSION,
    ...extraHeaders,
  };
  return c.body(response.body, response.status as 200, headers);
}

export function toErrorResponse(error: unknown, requestId: string): StoredResponse {
  if (error instanceof StripeApiError) {
    return { status: error.status, body: JSON.stringify(error.toBody()), requestId };
  }
  console.error(`[stripe-emulator] ${requestId} failed`, error);
  const body = { error: { type: "api_error", message: "An unknown error occurred" } };
  return { status: 500, body: JSON.stringify(body), requestId };
}

function readParams(c: Context, method: string, rawBody: string) {
  if (method === "POST") return parseForm(rawBody);
  const url = c.req.url;
  const queryStart = url.indexOf("?");
  return queryStart < 0 ? {} : parseForm(url.slice(queryStart + 1));
}

/**
 * Wraps an endpoint in Stripe's wire behaviour: API-key auth selecting account and mode,
 * form decoding, idempotent replay for POSTs, and the error envelope.
 */
export function createApiPipeline(store: Store, handler: ApiHandler) {
  return async (c: Context) => {
    const requestId = generateRequestId();
    try {
      const pathParams = c.req.param() as Record<string, string>;
      assertRecognizedPath(c.req.method, c.req.path, pathParams);
      const { accountId, livemode } = parseApiKey(c.req.header("authorization"));
      const account = store.getAccount(accountId, livemode);
      const method = c.req.method;
      const rawBody = method === "POST" ? await c.req.text() : "";
      const params = readParams(c, method, rawBody);
      const idempotencyKey = method === "POST" ? (c.req.header("idempotency-key") ?? null) : null;
      const claim = idempotencyKey
        ? claimIdempotencyKey(account, idempotencyKey, `${method} ${c.req.path}\n${rawBody}`)
        : null;
      if (claim?.kind === "replay") {
        return sendJson(c, claim.response, {
          "Idempotent-Replayed": "true",
          "Original-Request": claim.response.requestId,
        });
      }
      let response: StoredResponse;
      try {
        if (account.latencyMs > 0) await new Promise((r) => setTimeout(r, account.latencyMs));
        const result = handler({
          account,
          store,
          params,
          pathParams,
          origin: new URL(c.req.url).origin,
          requestId,
          idempotencyKey,
        });
        response = { status: 200, body: JSON.stringify(result), requestId };
      } catch (error) {
        response = toErrorResponse(error, requestId);
        if (!(error instanceof StripeApiError && error.replayable)) {
          claim?.release();
          return sendJson(c, response);
        }
      }
      claim?.complete(response);
      return sendJson(c, response);
    } catch (error) {
      return sendJson(c, toErrorResponse(error, requestId));
    }
  };
}

export { generateRequestId, sendJson };
