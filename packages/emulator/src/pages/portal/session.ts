import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Context } from "hono";
import { findPortalCustomer, type PortalActor } from "../../resources/portal-actions.js";
import { findExpiredPortalSession } from "../../resources/portal-session-expiry.js";
import type { PortalSessionLink, Store } from "../../store.js";

/** A portal session as a page sees it: who may act, and where its URLs live. */
export type PortalView = PortalActor & {
  token: string;
  link: PortalSessionLink;
  /** The session's own path, `/p/session/<token>`, under which every screen lives. */
  base: string;
  csrfToken: string;
  customerEmail: string | null;
};

export type ResolvedSession =
  | { kind: "ok"; view: PortalView }
  | { kind: "expired"; returnUrl: string | null }
  | { kind: "missing" };

/**
 * Forms carry a token bound to the session URL. The session URL is itself the bearer secret,
 * but a CSRF token stops another site from posting into an open portal tab. Deriving it with
 * an HMAC keeps it stateless; a restarted emulator simply asks for a reload.
 */
const CSRF_KEY = randomBytes(32);

function createCsrfToken(token: string): string {
  return createHmac("sha256", CSRF_KEY).update(token).digest("base64url");
}

export function verifyCsrfToken(view: PortalView, submitted: unknown): boolean {
  if (typeof submitted !== "string") return false;
  const expected = Buffer.from(view.csrfToken);
  const actual = Buffer.from(submitted);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * Stripe's portal URLs are short-lived. Expiry runs on the account clock, like every other
 * time in the emulator, so advancing the clock in a test expires open sessions.
 */
export function isPortalSessionExpired(link: PortalSessionLink, created: number): boolean {
  const { account } = link;
  return account.clock.now() >= created + account.portalSessionTtlSeconds;
}

export function resolvePortalSession(store: Store, c: Context): ResolvedSession {
  const token = c.req.param("token") ?? "";
  const link = store.portalLinks.get(token);
  const session = link?.account.collections["billing_portal.session"].get(link.sessionId);
  if (!link || !session) {
    const returnUrl = findExpiredPortalSession(store, token);
    return returnUrl === undefined ? { kind: "missing" } : { kind: "expired", returnUrl };
  }
  if (isPortalSessionExpired(link, session.created)) {
    return { kind: "expired", returnUrl: session.return_url };
  }
  const configuration = link.account.collections["billing_portal.configuration"].get(
    session.configuration as string,
  );
  if (!configuration) return { kind: "missing" };
  const actor: PortalActor = {
    store,
    account: link.account,
    origin: new URL(c.req.url).origin,
    session,
    configuration,
  };
  return {
    kind: "ok",
    view: {
      ...actor,
      token,
      link,
      base: `/p/session/${token}`,
      csrfToken: createCsrfToken(token),
      customerEmail: findPortalCustomer(actor)?.email ?? null,
    },
  };
}
