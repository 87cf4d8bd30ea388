import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AccountService, AuthUser } from "../auth/accounts.js";
import type { AppEnv } from "./context.js";
import { refuseCrossSiteCookie } from "./same-origin.js";
import { isCookieCredential, readCredential } from "./session-cookie.js";

/**
 * Who is making a request, as Portico's user; a uniform 401 when nobody is. The one seam
 * between the billing routes and authentication: the standalone service answers it with
 * its own accounts or the host's JWT, an embedded Portico with the host app's `identify`.
 */
export type Identify = (c: Context<AppEnv>) => Promise<AuthUser>;

/**
 * The standalone service: a bearer token or the session cookie, each either a Portico
 * session or the host app's JWT. A state-changing request with the cookie must come from
 * our own origin (CSRF).
 */
export function credentialIdentity(accounts: AccountService, appUrl: string): Identify {
  return async (c) => {
    refuseCrossSiteCookie(c, appUrl, isCookieCredential(c));
    return accounts.authenticate(readCredential(c));
  };
}

/** Sets `user` for the routes behind it, or answers what `identify` throws (401, 403). */
export function requireUser(identify: Identify) {
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set("user", await identify(c));
    await next();
  });
}
