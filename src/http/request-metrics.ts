import { createMiddleware } from "hono/factory";
import type { Metrics } from "../metrics.js";
import type { AppEnv } from "./context.js";
import { routePattern } from "./route-pattern.js";

/** Counts and times every request by its route pattern, method and status. */
export function observeRequests(metrics: Pick<Metrics, "observeHttpRequest">) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now();
    await next();
    metrics.observeHttpRequest({
      route: routePattern(c),
      method: c.req.method,
      status: c.res.status,
      seconds: (performance.now() - started) / 1000,
    });
  });
}
