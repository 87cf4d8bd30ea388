import { createHash, timingSafeEqual } from "node:crypto";
import { createMiddleware } from "hono/factory";
import type { RateLimitRule } from "../config.js";
import type { Db } from "../db/client.js";
import { consumeRateLimit, peekRateLimit } from "../db/rate-limits.js";
import { PorticoError, unauthorized } from "../errors.js";
import { clientIp } from "./client-ip.js";
import type { AppEnv } from "./context.js";

export interface AdminTokenDeps {
  /** SHA-256 of the admin token (PORTICO_ADMIN_TOKEN_SHA256): the token itself is never held. */
  tokenSha256: Buffer;
  db: Db;
  /** Wrong tokens allowed per address and window (RATE_LIMIT_LOGIN's rule). */
  failures: RateLimitRule;
  trustProxy: boolean;
}

/**
 * The admin API's bearer token. The presented token is hashed before the comparison, so
 * both sides are 32 bytes and `timingSafeEqual` leaks neither its length nor a prefix.
 * Only wrong tokens are counted, per address: an operator choosing a short token is still
 * not guessable at request speed, and the right token from another address always works.
 * The token is never logged: the request log names the route, never a header.
 */
export function requireAdminToken(deps: AdminTokenDeps) {
  const { db, failures } = deps;
  return createMiddleware<AppEnv>(async (c, next) => {
    const key = `admin:failures:${clientIp(c, deps.trustProxy)}`;
    const seen = await peekRateLimit(db, key, failures);
    if (seen.count >= failures.max) {
      throw new PorticoError("RATE_LIMITED", "Too many wrong admin tokens, try again later", {
        retryAfter: seen.retryAfter,
      });
    }
    if (!isAdminToken(c.req.header("authorization"), deps.tokenSha256)) {
      await consumeRateLimit(db, key, failures);
      c.header("WWW-Authenticate", 'Bearer realm="portico-admin"');
      throw unauthorized();
    }
    await next();
  });
}

function isAdminToken(header: string | undefined, tokenSha256: Buffer): boolean {
  const token = /^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1];
  if (token === undefined) return false;
  return timingSafeEqual(createHash("sha256").update(token).digest(), tokenSha256);
}
