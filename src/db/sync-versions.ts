import { eq, sql } from "drizzle-orm";
import type { Db } from "./client.js";
import { preparedPerDb } from "./prepared.js";
import { syncVersions } from "./schema.js";

const versionQuery = preparedPerDb((db) =>
  db
    .select({ version: syncVersions.version })
    .from(syncVersions)
    .where(eq(syncVersions.lockKey, sql.placeholder("lockKey")))
    .prepare("read_sync_version"),
);

/** How many sync transactions have written under `lockKey` so far (0 for none). */
export async function readSyncVersion(db: Db, lockKey: string): Promise<number> {
  const [row] = await versionQuery(db).execute({ lockKey });
  return Number(row?.version ?? 0);
}

/** Counts one more write under each key; call it in the transaction that writes. */
export async function bumpSyncVersions(db: Db, lockKeys: readonly string[]): Promise<void> {
  // One row per key: ON CONFLICT cannot touch the same row twice in one statement.
  const keys = [...new Set(lockKeys)];
  if (keys.length === 0) return;
  await db
    .insert(syncVersions)
    .values(keys.map((lockKey) => ({ lockKey, version: 1 })))
    .onConflictDoUpdate({
      target: syncVersions.lockKey,
      set: { version: sql`${syncVersions.version} + 1` },
    });
}
