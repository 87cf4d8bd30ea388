import { sql } from "drizzle-orm";
import type { Db } from "./client.js";
import {
  type BillingChangeMark,
  markBillingChangedSql,
  wroteRows,
} from "./pending-billing-changes.js";
import { bumpSyncVersionsSql } from "./sync-versions.js";

/**
 * What a transaction that applied a batch of events records, in one statement (one round
 * trip instead of two, while the batch's locks are held): its customers' sync versions
 * bumped, and its changes marked for the outbox. Answers whether any change was marked
 * (see `markBillingChanged`). Its events were stored as `processed` in the same
 * transaction (`SyncRunner.applyEvents`).
 */
export async function recordAppliedBatch(
  tx: Db,
  batch: {
    lockKeys: readonly string[];
    marks: readonly BillingChangeMark[];
    listening: boolean;
  },
): Promise<boolean> {
  const bump = bumpSyncVersionsSql(batch.lockKeys);
  // A data-modifying CTE runs whether or not the statement reads it.
  const mark = markBillingChangedSql(batch.marks, batch.listening) ?? sql`select where false`;
  return wroteRows(await tx.execute(sql`with bumped as (${bump}) ${mark}`));
}
