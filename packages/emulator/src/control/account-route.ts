import type { Context } from "hono";
import { parseApiKey } from "../http/auth.js";
import type { FormData } from "../http/form.js";
import { parseForm } from "../http/form.js";
import { generateRequestId, sendJson, toErrorResponse } from "../http/pipeline.js";
import type { Account, Store } from "../store.js";

export type AccountRouteRequest = { account: Account; params: FormData };

/**
 * A control route that may wait (flushing deliveries), unlike API handlers: the API key
 * selects the account, parameters come from the form body or query, errors use Stripe's
 * envelope. Control routes skip idempotency and faults on purpose.
 */
export function createAccountRoute(
  store: Store,
  handler: (request: AccountRouteRequest) => unknown,
) {
  return async (c: Context) => {
    const requestId = generateRequestId();
    try {
      const { accountId, livemode } = parseApiKey(c.req.header("authorization"));
      const account = store.getAccount(accountId, livemode);
      const query = c.req.url.includes("?") ? c.req.url.slice(c.req.url.indexOf("?") + 1) : "";
      const body = c.req.method === "GET" ? "" : await c.req.text();
      const params = { ...parseForm(query), ...parseForm(body) };
      const result = await handler({ account, params });
      return sendJson(c, { status: 200, body: JSON.stringify(result), requestId });
    } catch (error) {
      return sendJson(c, toErrorResponse(error, requestId));
    }
  };
}
