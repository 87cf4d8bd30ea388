import type { Context } from "hono";
import { matchedRoutes } from "hono/route";

/**
 * The pattern of the endpoint a request matched (`/api/billing/portal`), for
 * logs and metric labels. `routePath(c)` names whichever handler ran last, which
 * is a catch-all middleware (`/*`) when a global one answered (a body over the
 * limit) or when nothing matched; the last matched non-middleware route is the
 * endpoint in both cases. The web app's `GET *` (its pages and files, registered
 * last) matches every path too, so it names a request only when nothing else did.
 * Unknown paths stay `/*`, so scanners cannot mint new label values.
 */
export function routePattern(c: Context): string {
  const routes = matchedRoutes(c);
  for (let index = routes.length - 1; index >= 0; index--) {
    const route = routes[index];
    if (route && route.method !== "ALL" && !CATCH_ALL.has(route.path)) return route.path;
  }
  return "/*";
}

const CATCH_ALL = new Set(["*", "/*"]);
