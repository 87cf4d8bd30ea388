import { createHash, randomBytes } from "node:crypto";

/**
 * `pt_` and 32 random bytes (base64url); under a project, `pt_<project>.` and the bytes, so
 * that a multi-project server can tell whose session it is before any lookup. The project
 * part is only a route: the whole token is what is hashed, so a token whose project part is
 * edited matches no session anywhere.
 */
const SESSION_TOKEN = /^pt_(?:([a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?)\.)?[A-Za-z0-9_-]{43}$/;

/** Returned to the client once, never stored. */
export function generateSessionToken(projectId?: string): string {
  return `pt_${projectId ? `${projectId}.` : ""}${randomBytes(32).toString("base64url")}`;
}

/** What the database keeps instead of the token. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Portico tokens are told apart from an external JWT by shape, before any lookup. */
export function looksLikeSessionToken(token: string): boolean {
  return SESSION_TOKEN.test(token);
}

/** The project a session token was issued under; undefined for the server's own sessions. */
export function sessionTokenProject(token: string): string | undefined {
  return SESSION_TOKEN.exec(token)?.[1];
}

/** `psk_` and 32 random bytes (base64url): a service key, told apart from sessions by shape. */
const SERVICE_KEY = /^psk_[A-Za-z0-9_-]{43}$/;

/** Shown to the operator once, never stored. */
export function generateServiceKey(): string {
  return `psk_${randomBytes(32).toString("base64url")}`;
}

export function looksLikeServiceKey(token: string): boolean {
  return SERVICE_KEY.test(token);
}

/** A one-time sign-in link's token: only its hash is stored. */
export function generateLinkToken(): string {
  return randomBytes(32).toString("base64url");
}
