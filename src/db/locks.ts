import { sql } from "drizzle-orm";
import type { Db } from "./client.js";
import { textArray } from "./text-array.js";

/**
 * Runs `work` in a transaction that holds a transaction-scoped advisory lock on `key`
 * (on the PostgreSQL server every instance shares), so every instance applies one customer's changes one at a
 * time. The lock goes with the commit or rollback; nothing can leak it.
 */
export function withAdvisoryLock<T>(db: Db, key: string, work: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${key}))`);
    return work(tx);
  });
}

/**
 * `withAdvisoryLock` for several keys at once (a batch of events spanning customers). The
 * locks are taken in the order of their lock ids, the same order on every instance, so two
 * batches waiting on each other's customers cannot deadlock.
 */
export function withAdvisoryLocks<T>(
  db: Db,
  keys: readonly string[],
  work: (tx: Db) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    if (keys.length > 0) {
      await tx.execute(
        sql`select pg_advisory_xact_lock(lock_id) from (select distinct hashtext(key) as lock_id from unnest(${textArray(keys)}) as key order by lock_id) as ordered`,
      );
    }
    return work(tx);
  });
}
