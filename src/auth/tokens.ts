import { createHash, randomBytes } from "node:crypto";

const TOKEN_PREFIX = "pt_";

/** 32 random bytes, base64url. Returned to the client once, never stored. */
export function generateSessionToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

/** What the database keeps instead of the token. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Portico tokens are told apart from an external JWT by shape, before any lookup. */
export function looksLikeSessionToken(token: string): boolean {
  return token.startsWith(TOKEN_PREFIX) && /^pt_[A-Za-z0-9_-]{43}$/.test(token);
}
