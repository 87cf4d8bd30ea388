import { createMiddleware } from "hono/factory";
import type { AccountService } from "../auth/accounts.js";
import type { AppEnv } from "./context.js";
import { readCredential } from "./session-cookie.js";

/** Rejects the request with one uniform 401 unless it carries a valid credential. */
export function requireUser(accounts: AccountService) {
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set("user", await accounts.authenticate(readCredential(c)));
    await next();
  });
}
