import type { AuthUser } from "./accounts.js";

/** How long an instance may answer a session from memory; revocation evicts sooner. */
export const SESSION_CACHE_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

/**
 * Sessions this instance looked up recently, by token hash, so that a busy user's requests
 * skip the lookup. Revocation beats it:
 * - a logout here evicts the session before it answers;
 * - a logout on another instance evicts it when PostgreSQL delivers the revocation's
 *   notification (`listenForRevokedSessions`), which it does when the logout commits;
 * - while that feed is not connected (at start, after its connection is lost) nothing is
 *   answered from memory, and every entry made before is dropped.
 * What remains is a connection lost without notice (no reset, no keepalive answer yet):
 * then an entry outlives a revocation elsewhere by at most its TTL.
 */
export interface SessionCache {
  /** The session's user while the entry is fresh and the feed is connected. */
  get(tokenHash: string): AuthUser | undefined;
  /** Before a lookup: what `remember` must be given, so a revocation meanwhile wins. */
  mark(): number;
  /** After a lookup begun at `mark`, for a session expiring at `expiresAt`. */
  remember(tokenHash: string, user: AuthUser, expiresAt: Date, mark: number): void;
  /** The session was revoked. */
  forget(tokenHash: string): void;
  /** Whether revocations elsewhere reach this instance; `false` also drops every entry. */
  trust(connected: boolean): void;
}

export function createSessionCache(options: { ttlMs?: number; now?: () => number } = {}) {
  const ttlMs = options.ttlMs ?? SESSION_CACHE_TTL_MS;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { user: AuthUser; until: number }>();
  let trusted = false;
  // Bumped by every revocation and loss of trust: a lookup that began before one is not kept.
  let epoch = 0;

  const cache: SessionCache = {
    get(tokenHash) {
      if (!trusted) return undefined;
      const entry = entries.get(tokenHash);
      if (!entry) return undefined;
      if (entry.until > now()) return entry.user;
      entries.delete(tokenHash);
      return undefined;
    },
    mark: () => epoch,
    remember(tokenHash, user, expiresAt, mark) {
      if (!trusted || mark !== epoch) return;
      // Oldest first out: a Map iterates in insertion order.
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
      entries.set(tokenHash, { user, until: Math.min(now() + ttlMs, expiresAt.getTime()) });
    },
    forget(tokenHash) {
      epoch++;
      entries.delete(tokenHash);
    },
    trust(connected) {
      epoch++;
      trusted = connected;
      if (!connected) entries.clear();
    },
  };
  return cache;
}
