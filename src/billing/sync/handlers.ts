import type { Config } from "../../config.js";
import { readOwnersAhead } from "../../db/billing-customers.js";
import type { Db } from "../../db/client.js";
import { type MirroredTable, readWatermark, readWatermarksAhead } from "../../db/watermark.js";
import type { SyncCalls } from "../../stripe/sync-calls.js";
import type { SyncEvent } from "../../stripe/sync-types.js";
import { applyCheckoutEvent, CHECKOUT_EVENTS } from "./checkout.js";
import { applyCustomerEvent, CUSTOMER_EVENTS, mirroredCustomer } from "./customers.js";
import { applyInvoiceEvent, INVOICE_EVENTS, mirroredInvoice } from "./invoices.js";
import {
  applyPaymentMethodEvent,
  mirroredPaymentMethod,
  PAYMENT_METHOD_EVENTS,
} from "./payment-methods.js";
import {
  applySubscriptionEvent,
  mirroredSubscription,
  SUBSCRIPTION_EVENTS,
} from "./subscriptions.js";
import type { SyncContext } from "./sync-context.js";
import { decideSync, type MirroredObject, type SyncOutcome } from "./watermark.js";

export type EventHandler = (ctx: SyncContext, event: SyncEvent) => Promise<SyncOutcome>;

const families: [readonly string[], EventHandler][] = [
  [SUBSCRIPTION_EVENTS, applySubscriptionEvent],
  [CUSTOMER_EVENTS, applyCustomerEvent],
  [PAYMENT_METHOD_EVENTS, applyPaymentMethodEvent],
  [INVOICE_EVENTS, applyInvoiceEvent],
  [CHECKOUT_EVENTS, applyCheckoutEvent],
];

const HANDLERS = new Map<string, EventHandler>(
  families.flatMap(([types, handler]) => types.map((type) => [type, handler] as const)),
);

/** The event types sync handles; anything else is stored as `ignored`. */
export const HANDLED_EVENT_TYPES: readonly string[] = [...HANDLERS.keys()];

export function findEventHandler(type: string): EventHandler | undefined {
  return HANDLERS.get(type);
}

/**
 * The advisory-lock key that serializes an event with every other change to the same
 * customer. A detached card no longer names its customer but its previous one.
 */
export function lockKeyFor(event: SyncEvent): string {
  const object = event.object;
  switch (object.kind) {
    case "subscription":
      return object.subscription.customerId;
    case "customer":
      return object.customer.id;
    case "payment_method":
      return (
        object.paymentMethod.customerId ?? object.previousCustomerId ?? object.paymentMethod.id
      );
    case "invoice":
      return object.invoice.customerId;
    case "checkout_session":
      return object.session.customerId ?? object.session.id;
    default:
      return object.id ?? event.id;
  }
}

/**
 * Whether the event's handler (from its payload) writes only its own mirrored row and reads
 * only that row's watermark and its customer's owner: a batch may then hold the row back and
 * write it with its neighbours' (`deferMirroredWrites`).
 */
export function writesOnlyItsRow(event: SyncEvent): boolean {
  const kind = event.object.kind;
  // `invoice.deleted` marks the row instead; a card's write refreshes its customer's default.
  return kind === "subscription" || (kind === "invoice" && event.type !== "invoice.deleted");
}

/** The mirrored object an event's handler reads first, when it has one. */
function mirroredObjectOf(
  event: SyncEvent,
): { mirrored: MirroredObject<unknown>; id: string } | undefined {
  const object = event.object;
  switch (object.kind) {
    case "subscription":
      return { mirrored: mirroredSubscription, id: object.subscription.id };
    case "customer":
      return { mirrored: mirroredCustomer, id: object.customer.id };
    case "payment_method":
      return { mirrored: mirroredPaymentMethod, id: object.paymentMethod.id };
    case "invoice":
      return { mirrored: mirroredInvoice, id: object.invoice.id };
    default:
      return undefined;
  }
}

function mirroredRowOf(event: SyncEvent): { table: MirroredTable; id: string } | undefined {
  const found = mirroredObjectOf(event);
  return found && { table: found.mirrored.table, id: found.id };
}

/**
 * Reads from Stripe, ahead of the event's transaction, the object its handler will read:
 * with `refetch`, or for an event from the same second as the stored one. Nothing is read
 * for an event the watermark already makes stale. A guess: the handler decides again.
 */
export async function readEventObjectAhead(
  db: Db,
  event: SyncEvent,
  calls: SyncCalls,
  source: Config["sync"]["source"],
): Promise<void> {
  if (event.object.kind === "checkout_session") {
    if (source === "refetch") await calls.fetchCheckoutSession(event.object.session.id);
    return;
  }
  const found = mirroredObjectOf(event);
  if (!found) return;
  const stored = await readWatermark(db, found.mirrored.table, found.id);
  // `invoice.deleted` carries no snapshot to trust: its handler always reads.
  const trusted = event.type === "invoice.deleted" ? "refetch" : source;
  if (decideSync(stored, event.created, trusted) === "refetch") {
    await found.mirrored.fetch(calls, found.id);
  }
}

/**
 * Reads the watermarks (and subscriptions' owners) a batch of events will check, one
 * query per table instead of one per event. Only a shortcut: a handler reading any other row still reads the database.
 */
export async function readAheadForBatch(tx: Db, events: readonly SyncEvent[]): Promise<void> {
  const idsByTable = new Map<MirroredTable, string[]>();
  for (const event of events) {
    const row = mirroredRowOf(event);
    if (!row) continue;
    const ids = idsByTable.get(row.table) ?? [];
    ids.push(row.id);
    idsByTable.set(row.table, ids);
  }
  for (const [table, ids] of idsByTable) await readWatermarksAhead(tx, table, ids);
  // A subscription's row names its customer's user.
  const customers = events.flatMap((event) =>
    event.object.kind === "subscription" ? [event.object.subscription.customerId] : [],
  );
  await readOwnersAhead(tx, [...new Set(customers)]);
}
