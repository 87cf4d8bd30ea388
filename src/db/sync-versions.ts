import { sql } from "drizzle-orm";
import type { Db } from "./client.js";
import { withAdvisoryLock } from "./locks.js";
import { preparedPerDb } from "./prepared.js";
import { syncVersions } from "./schema.js";
import { textArray } from "./text-array.js";

const versionQuery = preparedPerDb((db) =>
  db
    .select({ version: syncVersions.version })
    .from(syncVersions)
    .where(sql`${syncVersions.lockKey} = ${sql.placeholder("lockKey")}`)
    .prepare("read_sync_version"),
);

/**
 * How many sync transactions have written under `lockKey` since it was first watched. The
 * row exists only for keys whose sync reads Stripe (`watchSyncVersion`), so writes that
 * never do (a batch of event payloads) bump nothing for keys nobody watches.
 */
export async function readSyncVersion(db: Db, lockKey: string): Promise<number> {
  const [row] = await versionQuery(db).execute({ lockKey });
  return Number(row?.version ?? 0);
}

/**
 * Answers the count for `lockKey`, first starting to count writes under it if nobody has
 * yet. Call it before any Stripe read, outside a transaction.
 */
export async function watchSyncVersion(db: Db, lockKey: string): Promise<number> {
  const [row] = await versionQuery(db).execute({ lockKey });
  if (row) return Number(row.version);
  // Under the key's lock: a writer already past its bump when the row appears would not
  // count, yet could commit after this answer; with the lock it has committed by then.
  return withAdvisoryLock(db, lockKey, async (tx) => {
    await tx.insert(syncVersions).values({ lockKey }).onConflictDoNothing();
    return readSyncVersion(tx, lockKey);
  });
}

/** Counts one more write under each watched key; call it in the transaction that writes. */
export async function bumpSyncVersions(db: Db, lockKeys: readonly string[]): Promise<void> {
  if (lockKeys.length === 0) return;
  await db.execute(bumpSyncVersionsSql(lockKeys));
}

/**
 * The statement of `bumpSyncVersions`, for one that does more in the same round trip. An
 * update, not an upsert: keys nobody watches have no row and cost no write.
 */
export const bumpSyncVersionsSql = (lockKeys: readonly string[]) =>
  sql`update ${syncVersions} set version = version + 1 where lock_key = any(${textArray(lockKeys)})`;
