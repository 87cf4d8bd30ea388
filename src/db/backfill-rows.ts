import {
  and,
  asc,
  count,
  eq,
  getTableColumns,
  gt,
  inArray,
  isNull,
  lte,
  ne,
  or,
  type SQL,
} from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Db } from "./client.js";
import {
  billingCustomerDetails,
  billingInvoices,
  billingPaymentMethods,
  billingSubscriptions,
} from "./schema.js";

/** The reads `portico sync` makes to compare local rows with Stripe's objects. */

export type MirroredKind = "customer" | "subscription" | "payment_method" | "invoice";

/** A stored row keyed by column name (`cancel_at_period_end`), as a drift report names fields. */
export type StoredRow = Record<string, unknown>;

const MIRRORED: Record<MirroredKind, { table: PgTable; id: PgColumn }> = {
  customer: { table: billingCustomerDetails, id: billingCustomerDetails.stripeCustomerId },
  subscription: { table: billingSubscriptions, id: billingSubscriptions.stripeSubscriptionId },
  payment_method: {
    table: billingPaymentMethods,
    id: billingPaymentMethods.stripePaymentMethodId,
  },
  invoice: { table: billingInvoices, id: billingInvoices.stripeInvoiceId },
};

export const rowKey = (kind: MirroredKind, id: string) => `${kind}:${id}`;

export interface RowSelection {
  ids: Partial<Record<MirroredKind, readonly string[]>>;
  /** Every card of these customers: writing a customer or a card may flip their `is_default`. */
  cardsOf?: readonly string[];
}

/** The selected rows as stored now, keyed by `rowKey`. */
export async function readMirroredRows(
  db: Db,
  selection: RowSelection,
): Promise<Map<string, StoredRow>> {
  const rows = new Map<string, StoredRow>();
  for (const kind of Object.keys(MIRRORED) as MirroredKind[]) {
    const ids = selection.ids[kind] ?? [];
    const owners = kind === "payment_method" ? (selection.cardsOf ?? []) : [];
    if (ids.length === 0 && owners.length === 0) continue;
    const { table, id } = MIRRORED[kind];
    const where = or(
      ids.length > 0 ? inArray(id, [...ids]) : undefined,
      owners.length > 0 ? inArray(billingPaymentMethods.stripeCustomerId, [...owners]) : undefined,
    );
    const found = (await db.select().from(table).where(where)) as Record<string, unknown>[];
    for (const row of found) {
      const named = byColumnName(table, row);
      rows.set(rowKey(kind, String(named[id.name])), named);
    }
  }
  return rows;
}

function byColumnName(table: PgTable, row: Record<string, unknown>): StoredRow {
  const named: StoredRow = {};
  for (const [property, column] of Object.entries(getTableColumns(table))) {
    named[column.name] = row[property];
  }
  return named;
}

/** Tables listed from Stripe newest first, whose rows a page can vouch for by `created`. */
const DATED = {
  subscription: {
    table: billingSubscriptions,
    id: billingSubscriptions.stripeSubscriptionId,
    customer: billingSubscriptions.stripeCustomerId,
    livemode: billingSubscriptions.livemode,
    created: billingSubscriptions.created,
    // Stripe keeps canceled subscriptions, so every stored one must still be listed.
    live: undefined as SQL | undefined,
  },
  invoice: {
    table: billingInvoices,
    id: billingInvoices.stripeInvoiceId,
    customer: billingInvoices.stripeCustomerId,
    livemode: billingInvoices.livemode,
    created: billingInvoices.created,
    // A deleted draft stays as a tombstone; Stripe no longer lists it, and never will.
    live: or(isNull(billingInvoices.status), ne(billingInvoices.status, "deleted")),
  },
};

export type DatedKind = keyof typeof DATED;

/** Stored rows of one mode created in `(after, upTo]` (an open end when null). */
export async function listRowsCreatedIn(
  db: Db,
  kind: DatedKind,
  livemode: boolean,
  range: { after: Date | null; upTo: Date | null },
): Promise<{ id: string; customerId: string }[]> {
  const dated = DATED[kind];
  return db
    .select({ id: dated.id, customerId: dated.customer })
    .from(dated.table)
    .where(
      and(
        eq(dated.livemode, livemode),
        range.after ? gt(dated.created, range.after) : undefined,
        range.upTo ? lte(dated.created, range.upTo) : undefined,
        dated.live,
      ),
    );
}

const liveCustomers = (livemode: boolean) =>
  and(eq(billingCustomerDetails.livemode, livemode), isNull(billingCustomerDetails.deletedAt));

/** Customers of one mode not known to be deleted, by id, after `after`. */
export async function listLiveCustomerIds(
  db: Db,
  livemode: boolean,
  after: string | null,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .select({ id: billingCustomerDetails.stripeCustomerId })
    .from(billingCustomerDetails)
    .where(
      and(
        liveCustomers(livemode),
        after === null ? undefined : gt(billingCustomerDetails.stripeCustomerId, after),
      ),
    )
    .orderBy(asc(billingCustomerDetails.stripeCustomerId))
    .limit(limit);
  return rows.map((row) => row.id);
}

export async function countLiveCustomers(db: Db, livemode: boolean): Promise<number> {
  const [row] = await db
    .select({ count: count() })
    .from(billingCustomerDetails)
    .where(liveCustomers(livemode));
  return row?.count ?? 0;
}
