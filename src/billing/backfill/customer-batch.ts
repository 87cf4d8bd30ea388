import {
  type MirroredKind,
  type RowSelection,
  readMirroredRows,
  rowKey,
} from "../../db/backfill-rows.js";
import type { Db } from "../../db/client.js";
import type { SyncCalls } from "../../stripe/sync-calls.js";
import type { ReadFirstRunner } from "../sync/read-first.js";
import type { SyncContext } from "../sync/sync-context.js";
import type { MirroredObject } from "../sync/watermark.js";
import { changedFields, diffRows, type RowChange } from "./row-changes.js";

/** One Stripe object to bring in line, written through the same code as its webhooks. */
export interface BackfillItem {
  kind: MirroredKind;
  id: string;
  /** Writes the object as a list page showed it; absent when only a fresh read will do. */
  writeListed?: (ctx: SyncContext) => Promise<void>;
  /** Reads the object from Stripe now and writes it, or removes it when Stripe has none. */
  refresh(ctx: SyncContext): Promise<void>;
}

export function listedItem<S>(
  kind: MirroredKind,
  mirrored: MirroredObject<S>,
  id: string,
  snapshot: S,
): BackfillItem {
  // A backfill carries no event time: watermarks stay, so later events still apply.
  return {
    ...unlistedItem(kind, mirrored, id),
    writeListed: (ctx) => mirrored.write(ctx, snapshot, null),
  };
}

export function unlistedItem<S>(
  kind: MirroredKind,
  mirrored: MirroredObject<S>,
  id: string,
): BackfillItem {
  return {
    kind,
    id,
    async refresh(ctx) {
      const current = await mirrored.fetch(ctx.stripe, id);
      if (current === undefined) await mirrored.remove(ctx, id, null);
      else await mirrored.write(ctx, current, null);
    },
  };
}

/** Rolls a batch back while handing its changes out: a dry run, or nothing to write. */
class RollbackBatch extends Error {
  constructor(readonly changes: RowChange[]) {
    super("batch rolled back");
  }
}

/**
 * Brings one customer's objects in line with Stripe under the customer's advisory lock, so
 * it never interleaves with a webhook for the same customer on any instance; the fresh
 * reads it needs are made first, with no transaction open (`ReadFirstRunner`). `collect`
 * runs under the lock and names the objects. Answers the rows that changed. Nothing is
 * written when nothing differs (a second run writes no row), nor on a dry run, which
 * still answers what would have changed.
 */
export async function syncCustomerBatch(
  deps: {
    readFirst: ReadFirstRunner;
    stripe: SyncCalls;
    contextFor(tx: Db, calls: SyncCalls): SyncContext;
    dryRun: boolean;
  },
  customerId: string,
  collect: (ctx: SyncContext) => Promise<BackfillItem[]>,
): Promise<RowChange[]> {
  try {
    return await deps.readFirst.run(customerId, deps.stripe, async (tx, calls) => {
      const ctx = deps.contextFor(tx, calls);
      const items = await collect(ctx);
      const selection = selectionOf(customerId, items);
      const before = await readMirroredRows(tx, selection);
      for (const item of items) await item.writeListed?.(ctx);

      // A page was read before the lock was taken, so a webhook may have stored newer state
      // since: a stored row the page would change is read again now, and that read is kept.
      const listed = await readMirroredRows(tx, selection);
      let refreshed = false;
      for (const item of items) {
        const key = rowKey(item.kind, item.id);
        const stored = before.get(key);
        const written = listed.get(key);
        const changedStoredRow =
          stored !== undefined && (!written || changedFields(stored, written).length > 0);
        if (!item.writeListed || changedStoredRow) {
          await item.refresh(ctx);
          refreshed = true;
        }
      }

      const after = refreshed ? await readMirroredRows(tx, selection) : listed;
      const changes = diffRows(before, after);
      if (deps.dryRun || changes.length === 0) throw new RollbackBatch(changes);
      return changes;
    });
  } catch (error) {
    if (error instanceof RollbackBatch) return error.changes;
    throw error;
  }
}

function selectionOf(customerId: string, items: BackfillItem[]): RowSelection {
  const ids: Partial<Record<MirroredKind, string[]>> = {};
  for (const item of items) ids[item.kind] = [...(ids[item.kind] ?? []), item.id];
  // Writing a customer or a card recomputes `is_default` on all the customer's cards.
  const touchesCards = items.some(
    (item) => item.kind === "customer" || item.kind === "payment_method",
  );
  return { ids, cardsOf: touchesCards ? [customerId] : [] };
}
