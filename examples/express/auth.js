import { randomBytes, randomUUID } from "node:crypto";
import express from "express";
import { escapeHtml, renderPage } from "./html.js";

/**
 * The app's own sign-in, as small as a demo allows: an email is enough, and sessions live
 * in memory (a restart signs everyone out). Portico never sees any of this; it asks
 * `userFromCookieHeader` through `identify`.
 */

const SESSION_COOKIE = "example_session";
/** Session token → user. */
const sessions = new Map();
/** Email → user: signing in again is the same user, so the same Stripe customer. */
const usersByEmail = new Map();

const SESSION_PATTERN = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;]+)`);
const sessionToken = (cookieHeader) => SESSION_PATTERN.exec(cookieHeader ?? "")?.[1];

/** The signed-in user for a Cookie header, or null. */
export function userFromCookieHeader(cookieHeader) {
  const token = sessionToken(cookieHeader);
  return (token && sessions.get(token)) ?? null;
}

/** The seed's middleware: `req.user`, or off to the sign-in page. */
export function requireAuth(req, res, next) {
  const user = userFromCookieHeader(req.headers.cookie);
  if (!user) return res.redirect(303, "/signin");
  req.user = user;
  next();
}

/**
 * For the app's own state-changing routes: SameSite=Lax keeps the cookie off other
 * sites' posts, not off a sibling subdomain's, so the Origin must be ours.
 */
export function requireSameOrigin(appUrl) {
  const origin = new URL(appUrl).origin;
  return (req, res, next) => {
    if (req.get("origin") !== origin) return res.status(403).send("Cross-site request refused");
    next();
  };
}

function renderSignInPage(error) {
  const alert = error ? `<p role="alert">${escapeHtml(error)}</p>` : "";
  return renderPage({
    title: "Sign in",
    body: `<h1>Sign in</h1>
${alert}
<form method="post" action="/signin">
  <label>Email <input type="email" name="email" autocomplete="email" required></label>
  <button type="submit">Sign in</button>
</form>`,
  });
}

export const authRoutes = express
  .Router()
  .get("/signin", (_req, res) => res.send(renderSignInPage()))
  .post("/signin", express.urlencoded({ extended: false }), (req, res) => {
    const email = String(req.body?.email ?? "")
      .trim()
      .toLowerCase();
    if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254) {
      return res.status(422).send(renderSignInPage("Enter a valid email address."));
    }
    let user = usersByEmail.get(email);
    if (!user) {
      user = { id: `user_${randomUUID()}`, email };
      usersByEmail.set(email, user);
    }
    const token = randomBytes(32).toString("base64url");
    sessions.set(token, user);
    res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: "lax", secure: req.secure });
    res.redirect(303, "/settings/billing");
  })
  .post("/signout", (req, res) => {
    sessions.delete(sessionToken(req.headers.cookie));
    res.clearCookie(SESSION_COOKIE);
    res.redirect(303, "/signin");
  });
