import { randomUUID } from "node:crypto";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { Logger } from "pino";
import { PorticoError } from "../errors.js";
import type { Metrics } from "../metrics.js";
import { limitBody } from "./body-limit.js";
import type { AppEnv } from "./context.js";
import { renderError } from "./errors.js";
import { exceptUnder } from "./except-paths.js";
import { logRequests } from "./request-log.js";
import { observeRequests } from "./request-metrics.js";

/** Every route's ceiling; routes that take small bodies (portal: 16 KB) set their own, lower. */
export const GLOBAL_BODY_LIMIT = 64 * 1024;

/** Portico's request id (`req_` and 32 hex digits), for each request and each API call. */
export const newRequestId = () => `req_${randomUUID().replaceAll("-", "")}`;

/**
 * What every request goes through, embedded or standalone: an id, a log line, metrics,
 * security headers and the body ceiling. The webhook routes at `webhookPaths` (patterns
 * like `/api/webhooks/*`) set their own limit (1 MB: Stripe's events can be larger), and
 * answer Stripe's servers, not a browser: the security headers are for browsers.
 */
export function useRequestPipeline(
  app: OpenAPIHono<AppEnv>,
  deps: { logger: Logger; metrics: Metrics },
  webhookPaths: string[],
) {
  app.use(requestId({ generator: newRequestId, limitLength: 128 }));
  app.use(logRequests(deps.logger));
  app.use(observeRequests(deps.metrics));
  app.use(exceptUnder(webhookPaths, secureHeaders()));
  app.use(exceptUnder(webhookPaths, limitBody(GLOBAL_BODY_LIMIT)));
}

/** Portico's envelope for unknown routes and for every error, with no stack or secret. */
export function renderErrors(app: OpenAPIHono<AppEnv>) {
  app.notFound((c) => renderError(c, new PorticoError("NOT_FOUND", "Route not found")));
  app.onError((error, c) => renderError(c, error));
}
