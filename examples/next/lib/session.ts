import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * The example's own sign-in, standing in for your auth (Auth.js, Clerk, Lucia…): an
 * HMAC-signed cookie naming the user. Portico never sees this cookie's format; it only
 * asks `identify` who the user is.
 */

export const SESSION_COOKIE = "example_session";

export interface SessionUser {
  id: string;
  email: string;
}

const store = globalThis as typeof globalThis & { exampleSessionSecret?: string };

/**
 * SESSION_SECRET, or a random secret for this process: never a default written in the code,
 * which anyone could use to sign a cookie. Kept on globalThis so that module reloads in
 * `next dev` do not sign everyone out.
 */
function sessionSecret(): string {
  store.exampleSessionSecret ??= process.env.SESSION_SECRET || randomBytes(32).toString("hex");
  return store.exampleSessionSecret;
}

const sign = (payload: string) =>
  createHmac("sha256", sessionSecret()).update(payload).digest("base64url");

/** The same email always gets the same id, so signing in again finds the same billing. */
export function userForEmail(email: string): SessionUser {
  const normalized = email.trim().toLowerCase();
  const digest = createHash("sha256").update(normalized).digest("hex").slice(0, 24);
  return { id: `user_${digest}`, email: normalized };
}

export function encodeSession(user: SessionUser): string {
  const payload = Buffer.from(JSON.stringify(user)).toString("base64url");
  return `${payload}.${sign(payload)}`;
}

export function decodeSession(value: string | undefined): SessionUser | null {
  const [payload, signature] = value?.split(".") ?? [];
  if (!payload || !signature) return null;
  const expected = Buffer.from(sign(payload));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const user = JSON.parse(Buffer.from(payload, "base64url").toString()) as SessionUser;
  return typeof user.id === "string" && typeof user.email === "string" ? user : null;
}

/** The session in a raw `Cookie` header, for code that has a Request (Portico's `identify`). */
export function sessionFromCookieHeader(header: string | null): SessionUser | null {
  for (const part of header?.split(";") ?? []) {
    const [name, ...value] = part.trim().split("=");
    if (name === SESSION_COOKIE) return decodeSession(value.join("="));
  }
  return null;
}
