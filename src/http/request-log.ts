import { createMiddleware } from "hono/factory";
import type { Logger } from "pino";
import type { AppEnv } from "./context.js";
import { routePattern } from "./route-pattern.js";

/** One line per request: id, route, status, duration and user id. Never the email or token. */
export function logRequests(logger: Logger) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now();
    const requestId = c.get("requestId");
    // Not a child logger per request: building one costs every request, and only errors
    // log here, each naming the request id itself.
    c.set("logger", logger);
    await next();
    logger.info(
      {
        requestId,
        method: c.req.method,
        route: routePattern(c),
        status: c.res.status,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        userId: c.get("user")?.id,
      },
      "request",
    );
  });
}
