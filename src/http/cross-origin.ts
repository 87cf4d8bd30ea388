import type { MiddlewareHandler } from "hono";
import { exceptUnder } from "./except-paths.js";

/** Origins a browser app may call the API from, read per preflight (projects change). */
export type CrossOrigins = (origin: string) => boolean | Promise<boolean>;

export const CORS_OPTIONS = {
  allowMethods: ["GET", "POST", "PUT", "DELETE"],
  allowHeaders: ["authorization", "content-type", "idempotency-key", "portico-project"],
  exposeHeaders: ["retry-after", "x-request-id"],
  maxAge: 600,
};

const ALLOW_METHODS = CORS_OPTIONS.allowMethods.join(",");
const ALLOW_HEADERS = CORS_OPTIONS.allowHeaders.join(",");
const EXPOSE_HEADERS = CORS_OPTIONS.exposeHeaders.join(",");

/**
 * CORS for the API, for a browser app on another origin that calls with a bearer token.
 * Credentials (cookies) are never allowed cross-origin: Portico's session cookie is for its
 * own pages, and a cookie sent from another origin would be a CSRF vector; a bearer token
 * in `Authorization` needs no credentials mode. Webhooks and the admin API are for servers,
 * not browsers, and answer no preflight.
 *
 * The headers are those of Hono's `cors` with these options, for responses built through
 * the context as every route's is (cross-origin.test.ts compares them). Hono's sets them on
 * a response made before the route runs, which makes Hono rebuild the route's response
 * twice, body included; here they go on the route's own response.
 */
export function allowCrossOrigins(isAllowed: CrossOrigins, exceptPaths: string[]) {
  const handler: MiddlewareHandler = async (c, next) => {
    const origin = c.req.header("origin");
    const allowed = origin && (await isAllowed(origin)) ? origin : undefined;
    if (c.req.method === "OPTIONS") {
      // Through the context, so the headers set before this one (the request id) stay.
      if (allowed) c.header("Access-Control-Allow-Origin", allowed);
      c.header("Access-Control-Expose-Headers", EXPOSE_HEADERS);
      c.header("Vary", "Origin", { append: true });
      c.header("Access-Control-Max-Age", String(CORS_OPTIONS.maxAge));
      c.header("Access-Control-Allow-Methods", ALLOW_METHODS);
      c.header("Access-Control-Allow-Headers", ALLOW_HEADERS);
      c.header("Vary", "Access-Control-Request-Headers", { append: true });
      return c.body(null, 204);
    }
    await next();
    const headers = c.res.headers;
    if (allowed) headers.set("Access-Control-Allow-Origin", allowed);
    headers.set("Access-Control-Expose-Headers", EXPOSE_HEADERS);
    headers.append("Vary", "Origin");
  };
  return exceptUnder(exceptPaths, handler);
}

/** The configured list (CORS_ORIGINS), else the origins return URLs may point at. */
export function configuredCrossOrigins(config: {
  corsOrigins: string[] | undefined;
  allowedOrigins: string[];
}): CrossOrigins {
  const origins = new Set(config.corsOrigins ?? config.allowedOrigins);
  return (origin) => origins.has(origin);
}
