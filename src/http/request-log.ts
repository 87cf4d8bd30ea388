import { createMiddleware } from "hono/factory";
import type { Logger } from "pino";
import type { AppEnv } from "./context.js";
import { routePattern } from "./route-pattern.js";

/** One line per request: id, route, status, duration and user id. Never the email or token. */
export function logRequests(logger: Logger) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now();
    const requestId = c.get("requestId");
    c.set("logger", logger.child({ requestId }));
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
