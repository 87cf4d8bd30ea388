import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

export const SESSION_COOKIE = "portico_session";

/** The credential from `Authorization: Bearer …`, else from the session cookie. */
export function readCredential(c: Context): string | undefined {
  const header = c.req.header("authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1] ?? "";
  }
  return getCookie(c, SESSION_COOKIE);
}

/** Whether readCredential answers the cookie: a browser may attach it to a cross-site request. */
export function isCookieCredential(c: Context): boolean {
  return c.req.header("authorization") === undefined && getCookie(c, SESSION_COOKIE) !== undefined;
}

export function writeSessionCookie(c: Context, token: string, expiresAt: Date, secure: boolean) {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    secure,
    path: "/",
    expires: expiresAt,
  });
}

export function clearSessionCookie(c: Context, secure: boolean) {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure, httpOnly: true, sameSite: "Lax" });
}
