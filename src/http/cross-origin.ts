import { cors } from "hono/cors";
import { exceptUnder } from "./except-paths.js";

/** Origins a browser app may call the API from, read per preflight (projects change). */
export type CrossOrigins = (origin: string) => boolean | Promise<boolean>;

/**
 * CORS for the API, for a browser app on another origin that calls with a bearer token.
 * Credentials (cookies) are never allowed cross-origin: Portico's session cookie is for its
 * own pages, and a cookie sent from another origin would be a CSRF vector; a bearer token
 * in `Authorization` needs no credentials mode. Webhooks and the admin API are for servers,
 * not browsers, and answer no preflight.
 */
export function allowCrossOrigins(isAllowed: CrossOrigins, exceptPaths: string[]) {
  return exceptUnder(
    exceptPaths,
    cors({
      origin: async (origin) => (origin && (await isAllowed(origin)) ? origin : null),
      allowMethods: ["GET", "POST", "PUT", "DELETE"],
      allowHeaders: ["authorization", "content-type", "idempotency-key", "portico-project"],
      exposeHeaders: ["retry-after", "x-request-id"],
      credentials: false,
      maxAge: 600,
    }),
  );
}

/** The configured list (CORS_ORIGINS), else the origins return URLs may point at. */
export function configuredCrossOrigins(config: {
  corsOrigins: string[] | undefined;
  allowedOrigins: string[];
}): CrossOrigins {
  const origins = new Set(config.corsOrigins ?? config.allowedOrigins);
  return (origin) => origins.has(origin);
}
