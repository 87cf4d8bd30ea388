import type { Account } from "../store.js";
import { StripeApiError } from "./errors.js";

export type StoredResponse = { status: number; body: string; requestId: string };

type Entry = {
  fingerprint: string;
  expiresAt: number;
  response: StoredResponse | null;
};

export type IdempotencyClaim =
  | { kind: "replay"; response: StoredResponse }
  | { kind: "fresh"; complete(response: StoredResponse): void; release(): void };

/** Stripe keeps idempotency keys for 24 hours. */
const TTL_MS = 24 * 60 * 60 * 1000;
/**
 * Each key keeps its whole response. The SDK sends a key with every POST when retries are
 * on, so a load test would keep a day of responses; the oldest keys go first beyond this.
 */
export const MAX_KEYS_PER_ACCOUNT = 10_000;
const MAX_KEY_LENGTH = 255;

/** Keys are scoped per account and mode; a WeakMap drops them with a reset account. */
const entriesByAccount = new WeakMap<Account, Map<string, Entry>>();

function entriesOf(account: Account): Map<string, Entry> {
  let entries = entriesByAccount.get(account);
  if (!entries) {
    entries = new Map();
    entriesByAccount.set(account, entries);
  }
  return entries;
}

/** Entries are inserted with increasing expiry, so expired ones are always at the front. */
function evictExpired(entries: Map<string, Entry>, nowMs: number): void {
  for (const [key, entry] of entries) {
    if (entry.expiresAt > nowMs) return;
    entries.delete(key);
  }
}

/**
 * Claims an `Idempotency-Key` for one request. The fingerprint (method, path and raw
 * parameters) must match the first use, and a key still executing cannot be reused.
 */
export function claimIdempotencyKey(
  account: Account,
  key: string,
  fingerprint: string,
  nowMs: number = Date.now(),
): IdempotencyClaim {
  if (key.length > MAX_KEY_LENGTH) {
    throw new StripeApiError(
      `Invalid Idempotency-Key: must be at most ${MAX_KEY_LENGTH} characters`,
      { status: 400, replayable: false },
    );
  }
  const entries = entriesOf(account);
  evictExpired(entries, nowMs);
  const existing = entries.get(key);
  if (existing && existing.fingerprint !== fingerprint) {
    throw new StripeApiError(
      `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      { status: 400, type: "idempotency_error", replayable: false },
    );
  }
  if (existing?.response) return { kind: "replay", response: existing.response };
  if (existing) {
    throw new StripeApiError(
      `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
      { status: 409, code: "idempotency_key_in_use", replayable: false },
    );
  }
  const entry: Entry = { fingerprint, expiresAt: nowMs + TTL_MS, response: null };
  entries.set(key, entry);
  if (entries.size > MAX_KEYS_PER_ACCOUNT) {
    const oldest = entries.keys().next();
    if (!oldest.done) entries.delete(oldest.value);
  }
  return {
    kind: "fresh",
    complete(response) {
      entry.response = response;
    },
    release() {
      if (entries.get(key) === entry) entries.delete(key);
    },
  };
}
