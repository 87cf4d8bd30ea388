import type { Db } from "../../db/client.js";
import { withAdvisoryLock } from "../../db/locks.js";
import { bumpSyncVersions, readSyncVersion, watchSyncVersion } from "../../db/sync-versions.js";
import { PorticoError } from "../../errors.js";
import type { SyncCalls } from "../../stripe/sync-calls.js";

/**
 * Rounds a piece of sync work may take before it gives up: each round either brings the
 * Stripe reads the last one asked for, or starts over because another writer got in first.
 */
const MAX_ROUNDS = 8;

/** Rolls a round back: its work asked Stripe for something not read yet. */
class StripeReadsNeeded extends Error {
  constructor() {
    super("sync work needs Stripe reads first");
    this.name = "StripeReadsNeeded";
  }
}

type Read = { version: number; value: unknown };

/**
 * The Stripe reads of one piece of sync work. Each read is tagged with the customer's sync
 * version seen before it was made; it serves a later round only while the version is still
 * that one, so no write has landed since and the read is at least as new as the stored rows.
 */
function createReadCache(live: SyncCalls) {
  const reads = new Map<string, Read>();
  const needed = new Map<string, () => Promise<unknown>>();

  function read<T>(key: string, version: number, run: () => Promise<T>): Promise<T> {
    const hit = reads.get(key);
    if (hit && hit.version === version) return Promise.resolve(hit.value as T);
    needed.set(key, run);
    // A rejected promise, not a throw, so that every read of a `Promise.all` is collected.
    return Promise.reject(new StripeReadsNeeded());
  }

  return {
    /** `SyncCalls` that read Stripe now, keeping each answer as of `version`. */
    readingAt: (version: number): SyncCalls =>
      syncCallsVia(async (key, call) => {
        const value = await call(live);
        reads.set(key, { version, value });
        return value;
      }),
    /** The reads as `SyncCalls`, as of `version`: a miss is collected and fails the round. */
    callsAt: (version: number): SyncCalls =>
      syncCallsVia((key, call) => read(key, version, () => call(live))),
    /** Makes the reads the last round asked for, with no database held. */
    async readNeeded(version: number): Promise<void> {
      const runs = [...needed];
      needed.clear();
      await Promise.all(
        runs.map(async ([key, run]) => {
          reads.set(key, { version, value: await run() });
        }),
      );
    },
  };
}

type Reader = <T>(key: string, call: (live: SyncCalls) => Promise<T>) => Promise<T>;

/** `SyncCalls` whose every read goes through `read`, named by a key unique to the read. */
function syncCallsVia(read: Reader): SyncCalls {
  return {
    fetchSubscription: (id) => read(`sub:${id}`, (live) => live.fetchSubscription(id)),
    fetchCustomer: (id) => read(`cus:${id}`, (live) => live.fetchCustomer(id)),
    fetchPaymentMethod: (id) => read(`pm:${id}`, (live) => live.fetchPaymentMethod(id)),
    fetchInvoice: (id) => read(`in:${id}`, (live) => live.fetchInvoice(id)),
    fetchCheckoutSession: (id) => read(`cs:${id}`, (live) => live.fetchCheckoutSession(id)),
    listSubscriptions: (id) => read(`subs:${id}`, (live) => live.listSubscriptions(id)),
    listPaymentMethods: (id) => read(`pms:${id}`, (live) => live.listPaymentMethods(id)),
    listInvoices: (id, limit) => read(`ins:${id}:${limit}`, (live) => live.listInvoices(id, limit)),
    createCheckoutSession: () =>
      Promise.reject(new Error("sync work reads Stripe; it does not create checkouts")),
  };
}

/**
 * For work inside a transaction that must not wait on Stripe (a batch of events): any
 * read fails the work, which then goes through `createReadFirstRunner` instead.
 */
export const noStripeReads: SyncCalls = syncCallsVia(() => Promise.reject(new StripeReadsNeeded()));

/**
 * Runs sync work under a customer's lock without ever holding the database while Stripe
 * answers. The work runs in a short transaction; when it asks Stripe for something not
 * read yet, that round rolls back, the reads are made with no transaction, lock or
 * connection held, and the work runs again with them. A round that completes commits its
 * writes and bumps the customer's sync version, which retires every read made before it.
 *
 * So writes to a customer stay serialized (the advisory lock, on every instance), and a
 * Stripe read is only ever written when nothing was written for that customer since the
 * read began: what is stored never goes back to an older read. On one instance, work for
 * the same key also takes turns, so it does not make another's reads stale.
 */
export function createReadFirstRunner(db: Db) {
  const turns = createTurns();

  /**
   * `readAhead`, when given, makes the reads the work will likely want before its first
   * round (an event's object, say), so that round can complete instead of rolling back.
   */
  function run<T>(
    lockKey: string,
    stripe: SyncCalls,
    work: (tx: Db, calls: SyncCalls) => Promise<T>,
    readAhead?: (db: Db, calls: SyncCalls) => Promise<unknown>,
  ): Promise<T> {
    return turns.inTurn(lockKey, async () => {
      const cache = createReadCache(stripe);
      const watched = await watchSyncVersion(db, lockKey);
      await readAhead?.(db, cache.readingAt(watched));
      for (let round = 1; ; round++) {
        let seen = 0;
        try {
          return await withAdvisoryLock(db, lockKey, async (tx) => {
            seen = await readSyncVersion(tx, lockKey);
            const result = await work(tx, cache.callsAt(seen));
            await bumpSyncVersions(tx, [lockKey]);
            return result;
          });
        } catch (error) {
          if (!(error instanceof StripeReadsNeeded)) throw error;
        }
        if (round === MAX_ROUNDS) {
          throw new PorticoError(
            "SERVICE_UNAVAILABLE",
            "This customer's billing is changing too fast to sync now; retry shortly",
            { retryAfter: 2 },
          );
        }
        await cache.readNeeded(seen);
      }
    });
  }

  return { run };
}

export type ReadFirstRunner = ReturnType<typeof createReadFirstRunner>;

/** Work with the same key takes turns, in arrival order; different keys run freely. */
function createTurns() {
  const tails = new Map<string, Promise<void>>();
  return {
    async inTurn<T>(key: string, work: () => Promise<T>): Promise<T> {
      const previous = tails.get(key);
      let done = () => {};
      const mine = new Promise<void>((resolve) => {
        done = resolve;
      });
      const tail = previous ? previous.then(() => mine) : mine;
      tails.set(key, tail);
      try {
        if (previous) await previous;
        return await work();
      } finally {
        done();
        if (tails.get(key) === tail) tails.delete(key);
      }
    },
  };
}
