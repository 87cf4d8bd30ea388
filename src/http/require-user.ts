import { createMiddleware } from "hono/factory";
import type { AccountService } from "../auth/accounts.js";
import type { AppEnv } from "./context.js";
import { refuseCrossSiteCookie } from "./same-origin.js";
import { readCredential } from "./session-cookie.js";

/**
 * Rejects the request with one uniform 401 unless it carries a valid credential, and with a
 * 403 when it changes state with the session cookie from another origin (CSRF).
 */
export function requireUser(accounts: AccountService, appUrl: string) {
  return createMiddleware<AppEnv>(async (c, next) => {
    refuseCrossSiteCookie(c, appUrl);
    c.set("user", await accounts.authenticate(readCredential(c)));
    await next();
  });
}
