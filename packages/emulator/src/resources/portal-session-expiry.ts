import type { Account, Store } from "../store.js";

/**
 * Portal sessions are dropped once their URL has expired, so a long load test does not keep
 * every session forever (issue 14: ~3.4 KB each). The URL of a dropped session still shows
 * the "expired" page with its return link, for the most recent ones: a bounded map of
 * tombstones keeps only the token and the return URL.
 */
const MAX_TOMBSTONES = 10_000;

const tombstonesByStore = new WeakMap<Store, Map<string, string | null>>();

function tombstonesOf(store: Store): Map<string, string | null> {
  let tombstones = tombstonesByStore.get(store);
  if (!tombstones) {
    tombstones = new Map();
    tombstonesByStore.set(store, tombstones);
  }
  return tombstones;
}

/** The session token is the last path segment of its URL (`…/p/session/<token>`). */
function tokenOf(url: string): string {
  return url.slice(url.lastIndexOf("/") + 1);
}

/**
 * Drops this account's expired portal sessions. Sessions are kept in creation order and
 * share one lifetime, so the expired ones are always at the front: the sweep stops at the
 * first live one, which keeps it cheap enough to run on every session created.
 */
export function sweepExpiredPortalSessions(store: Store, account: Account): void {
  const sessions = account.collections["billing_portal.session"];
  const tombstones = tombstonesOf(store);
  const now = account.clock.now();
  for (const [id, session] of sessions) {
    if (session.created + account.portalSessionTtlSeconds > now) return;
    sessions.delete(id);
    const token = tokenOf(session.url);
    store.portalLinks.delete(token);
    tombstones.set(token, session.return_url);
    if (tombstones.size > MAX_TOMBSTONES) {
      const oldest = tombstones.keys().next();
      if (!oldest.done) tombstones.delete(oldest.value);
    }
  }
}

/** For a dropped session's token: its return URL (`null` when it had none), else undefined. */
export function findExpiredPortalSession(store: Store, token: string): string | null | undefined {
  return tombstonesOf(store).get(token);
}
