import type { Context } from "hono";
import { PorticoError } from "../errors.js";

/**
 * The CSRF defence for cookie-authenticated form posts: the browser's Origin
 * (or, failing that, Referer) must be this server's own origin or APP_URL's.
 */
export function isSameOriginPost(c: Context, appUrl: string): boolean {
  const source = c.req.header("origin") ?? refererOrigin(c.req.header("referer"));
  if (!source || source === "null") return false;
  const own = new URL(c.req.url).origin;
  return source === own || source === new URL(appUrl).origin;
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The portal form's rule, for every state-changing request whose credential is a cookie
 * (`byCookie`). SameSite=Lax keeps the cookie off cross-site posts in current browsers, but not
 * off posts from another origin of the same site (a sibling subdomain) or from older
 * browsers; so such a request must come from our own origin. A bearer token is never
 * attached by the browser, so bearer calls are not affected.
 */
export function refuseCrossSiteCookie(c: Context, appUrl: string, byCookie: boolean): void {
  if (SAFE_METHODS.has(c.req.method) || !byCookie) return;
  if (!isSameOriginPost(c, appUrl)) {
    throw new PorticoError(
      "FORBIDDEN",
      "Cross-site requests with the session cookie are not allowed",
    );
  }
}
