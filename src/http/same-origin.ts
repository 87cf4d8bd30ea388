import type { Context } from "hono";

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
