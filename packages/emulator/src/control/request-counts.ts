import type { Context, Hono, Next } from "hono";
import { parseApiKey } from "../http/auth.js";
import { createApiPipeline } from "../http/pipeline.js";
import type { ApiRequest } from "../http/route.js";
import type { Account, Store } from "../store.js";

/**
 * How many API requests each account's key made, by method and path: a test can prove that
 * a call was (or was never) made with a given key, faults and failures included. Counted
 * before anything else runs; a request without a well-formed key counts for nobody.
 */
const counts = new WeakMap<Account, Map<string, number>>();

export function countApiRequests(store: Store) {
  return async (c: Context, next: Next) => {
    let account: Account | undefined;
    try {
      const { accountId, livemode } = parseApiKey(c.req.header("authorization"));
      account = store.getAccount(accountId, livemode);
    } catch {
      // Stripe's 401 comes from the pipeline; it was no account's call.
    }
    if (account) {
      const perRoute = counts.get(account) ?? new Map<string, number>();
      counts.set(account, perRoute);
      const route = `${c.req.method} ${c.req.path}`;
      perRoute.set(route, (perRoute.get(route) ?? 0) + 1);
    }
    await next();
  };
}

function readCounts({ account }: ApiRequest) {
  const perRoute = counts.get(account) ?? new Map<string, number>();
  let total = 0;
  for (const count of perRoute.values()) total += count;
  return { total, by_route: Object.fromEntries(perRoute) };
}

function resetCounts({ account }: ApiRequest) {
  counts.delete(account);
  return { reset: true };
}

export function registerRequestCountRoutes(app: Hono, store: Store) {
  app.get("/_emulator/requests", createApiPipeline(store, readCounts));
  app.delete("/_emulator/requests", createApiPipeline(store, resetCounts));
}
