import type { StripeMode } from "../config.js";
import { findBillingCustomer } from "../db/billing-customers.js";
import { type InvoicePosition, type InvoiceRow, listInvoicePage } from "../db/billing-invoices.js";
import type { Db } from "../db/client.js";
import type { Subject } from "../db/subjects.js";
import { validationError } from "../errors.js";
import { isStorableText, isStorableTime } from "../storable-values.js";

/** One invoice as `GET /api/billing/invoices` shows it; amounts in minor units, dates ISO. */
export interface InvoiceSummary {
  id: string;
  number: string | null;
  status: string | null;
  currency: string;
  total: number;
  amountDue: number;
  amountPaid: number;
  created: string;
  periodStart: string | null;
  periodEnd: string | null;
  hostedInvoiceUrl: string | null;
  invoicePdf: string | null;
}

export interface InvoicePage {
  invoices: InvoiceSummary[];
  /** Pass back as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/**
 * A subject's invoices from Portico's copy (kept by `invoice.*` webhooks), newest
 * first, a page at a time. It reads only the local mirror, so it works while Stripe is down.
 */
export function createInvoiceListService(deps: { db: Db }) {
  const { db } = deps;

  async function listInvoices(
    subject: Subject,
    mode: StripeMode,
    page: { limit: number; cursor?: string | undefined },
  ): Promise<InvoicePage> {
    const after = page.cursor === undefined ? undefined : decodeInvoiceCursor(page.cursor);
    const livemode = mode === "live";
    const customer = await findBillingCustomer(db, subject, livemode);
    if (!customer) return { invoices: [], nextCursor: null };
    // One row more than asked tells whether a next page exists without a count query.
    const rows = await listInvoicePage(db, {
      stripeCustomerId: customer.stripeCustomerId,
      livemode,
      after,
      limit: page.limit + 1,
    });
    const shown = rows.slice(0, page.limit);
    const last = shown.at(-1);
    return {
      invoices: shown.map(toInvoiceSummary),
      nextCursor: rows.length > page.limit && last ? encodeInvoiceCursor(last) : null,
    };
  }

  return { listInvoices };
}

export type InvoiceListService = ReturnType<typeof createInvoiceListService>;

function toInvoiceSummary(row: InvoiceRow): InvoiceSummary {
  return {
    id: row.stripeInvoiceId,
    number: row.number,
    status: row.status,
    currency: row.currency,
    total: row.total,
    amountDue: row.amountDue,
    amountPaid: row.amountPaid,
    created: row.created.toISOString(),
    periodStart: row.periodStart?.toISOString() ?? null,
    periodEnd: row.periodEnd?.toISOString() ?? null,
    hostedInvoiceUrl: row.hostedInvoiceUrl,
    invoicePdf: row.invoicePdf,
  };
}

/**
 * The cursor is opaque to clients (base64url), but only names a position in the list: it
 * carries no user or customer, so a cursor from someone else's list reveals nothing.
 */
export function encodeInvoiceCursor(row: InvoicePosition): string {
  const position = [row.created.getTime(), row.stripeInvoiceId];
  return Buffer.from(JSON.stringify(position)).toString("base64url");
}

export function decodeInvoiceCursor(cursor: string): InvoicePosition {
  const position = /^[A-Za-z0-9_-]{1,400}$/.test(cursor) ? parseJson(cursor) : undefined;
  if (!isPosition(position)) {
    throw validationError([
      {
        path: ["cursor"],
        location: "query",
        kind: "value_error",
        message: "cursor is not one this endpoint returned; start again without it",
      },
    ]);
  }
  return { created: new Date(position[0]), stripeInvoiceId: position[1] };
}

/**
 * Only what the query can compare: a time a `timestamptz` parameter carries, and an id that
 * `text` holds. A position outside them would fail in SQL, and a client's bad cursor must be
 * a 422, never a database error.
 */
function isPosition(value: unknown): value is [number, string] {
  if (!Array.isArray(value) || value.length !== 2) return false;
  const [time, id] = value as unknown[];
  return (
    Number.isInteger(time) &&
    isStorableTime(time as number) &&
    typeof id === "string" &&
    id.length > 0 &&
    id.length <= 255 &&
    isStorableText(id)
  );
}

function parseJson(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}
