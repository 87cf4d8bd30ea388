import { sql } from "drizzle-orm";
import type { Db } from "./client.js";

/**
 * Runs `work` in a transaction that holds a transaction-scoped advisory lock on `key`
 * (PostgreSQL and PGlite alike), so every instance applies one customer's changes one at a
 * time. The lock goes with the commit or rollback; nothing can leak it.
 */
export function withAdvisoryLock<T>(db: Db, key: string, work: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${key}))`);
    return work(tx);
  });
}
