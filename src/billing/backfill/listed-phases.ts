import { type DatedKind, listRowsCreatedIn } from "../../db/backfill-rows.js";
import type { PhaseProgress } from "../../db/sync-progress.js";
import type { ListPage } from "../../stripe/backfill-calls.js";
import { StripeMissingError } from "../../stripe/errors.js";
import type { PaymentMethodSnapshot } from "../../stripe/sync-types.js";
import { mirroredCustomer } from "../sync/customers.js";
import { mirroredInvoice } from "../sync/invoices.js";
import { mirroredPaymentMethod } from "../sync/payment-methods.js";
import { mirroredSubscription } from "../sync/subscriptions.js";
import { fromUnix } from "../sync/watermark.js";
import type { BackfillRun } from "./backfill-run.js";
import { type BackfillItem, listedItem, unlistedItem } from "./customer-batch.js";
import { rangeOfPage } from "./list-range.js";

/** The phases that page through an account-wide Stripe list. */

export type PhaseOutcome = "completed" | "interrupted";

interface ListedPhase<S extends { id: string }> {
  list(startingAfter: string | undefined): Promise<ListPage<S>>;
  /** The object's customer (whose lock it is written under) and how to write it. */
  itemOf(object: S): { customerId: string; item: BackfillItem };
  /** Stored rows Stripe may no longer list are found by `created`; customers have none. */
  dated?: { kind: DatedKind; createdOf(object: S): number; unlisted(id: string): BackfillItem };
}

export function runCustomersPhase(run: BackfillRun, progress: PhaseProgress) {
  return runListedPhase(run, progress, {
    list: (after) => run.deps.stripe.listCustomers(after),
    itemOf: (customer) => ({
      customerId: customer.id,
      item: listedItem("customer", mirroredCustomer, customer.id, customer),
    }),
  });
}

export function runSubscriptionsPhase(run: BackfillRun, progress: PhaseProgress) {
  return runListedPhase(run, progress, {
    list: (after) => run.deps.stripe.listSubscriptions(after),
    itemOf: (subscription) => ({
      customerId: subscription.customerId,
      item: listedItem("subscription", mirroredSubscription, subscription.id, subscription),
    }),
    dated: {
      kind: "subscription",
      createdOf: (subscription) => subscription.created,
      unlisted: (id) => unlistedItem("subscription", mirroredSubscription, id),
    },
  });
}

export function runInvoicesPhase(run: BackfillRun, progress: PhaseProgress) {
  return runListedPhase(run, progress, {
    list: (after) => run.deps.stripe.listInvoices(after),
    itemOf: (invoice) => ({
      customerId: invoice.customerId,
      item: listedItem("invoice", mirroredInvoice, invoice.id, invoice),
    }),
    dated: {
      kind: "invoice",
      createdOf: (invoice) => invoice.created,
      unlisted: (id) => unlistedItem("invoice", mirroredInvoice, id),
    },
  });
}

async function runListedPhase<S extends { id: string }>(
  run: BackfillRun,
  progress: PhaseProgress,
  phase: ListedPhase<S>,
): Promise<PhaseOutcome> {
  let next = readPage(run, progress, phase, progress.cursor);
  try {
    while (!progress.completed) {
      if (run.signal.aborted) return "interrupted";
      const { page, fromStart } = await next;
      if (fromStart) progress.boundary = null;
      // Stripe answers the next page while this one is written.
      if (page.hasMore) next = readPage(run, progress, phase, page.objects.at(-1)?.id ?? null);
      const changed = await writePage(run, progress, phase, page);
      progress.changed += changed;
      progress.objects += page.objects.length;
      progress.cursor = page.objects.at(-1)?.id ?? progress.cursor;
      progress.completed = !page.hasMore;
      await run.finishPage(progress);
    }
    return "completed";
  } finally {
    // Stopped or failed: the page read ahead is dropped (and read again on resume), once
    // its request is over, so that a run ends with nothing left in flight.
    await next.catch(() => {});
  }
}

/** Writes one page, customer by customer; answers how many rows changed. */
async function writePage<S extends { id: string }>(
  run: BackfillRun,
  progress: PhaseProgress,
  phase: ListedPhase<S>,
  page: ListPage<S>,
): Promise<number> {
  const batches = new Map<string, BackfillItem[]>();
  const add = (customerId: string, item: BackfillItem) => {
    const batch = batches.get(customerId);
    if (batch) batch.push(item);
    else batches.set(customerId, [item]);
  };
  for (const object of page.objects) {
    const { customerId, item } = phase.itemOf(object);
    add(customerId, item);
  }
  // A default card came expanded: it is stored with its customer, in the same batch.
  for (const card of page.cards) if (card.customerId) add(card.customerId, cardItem(card));

  if (phase.dated) {
    const { dated } = phase;
    const range = rangeOfPage(progress.boundary, {
      objects: page.objects.map((object) => ({ id: object.id, created: dated.createdOf(object) })),
      hasMore: page.hasMore,
    });
    const stored = await listRowsCreatedIn(run.deps.db, dated.kind, run.livemode, {
      after: fromUnix(range.after),
      upTo: fromUnix(range.upTo),
    });
    for (const row of stored) {
      if (!range.listed.has(row.id)) add(row.customerId, dated.unlisted(row.id));
    }
    progress.boundary = range.next;
  }

  let changed = 0;
  for (const [customerId, items] of batches)
    changed += await run.batch(customerId, async () => items);
  return changed;
}

/** A page after `cursor`; when that object has since been deleted, the list starts over. */
async function readPage<S extends { id: string }>(
  run: BackfillRun,
  progress: PhaseProgress,
  phase: ListedPhase<S>,
  cursor: string | null,
): Promise<{ page: ListPage<S>; fromStart: boolean }> {
  try {
    return { page: await phase.list(cursor ?? undefined), fromStart: false };
  } catch (error) {
    if (!(error instanceof StripeMissingError && cursor !== null)) throw error;
    run.deps.logger.warn(
      { phase: progress.phase, cursor },
      "the resume point no longer exists in Stripe; listing this phase from the start",
    );
    return { page: await phase.list(undefined), fromStart: true };
  }
}

export const cardItem = (card: PaymentMethodSnapshot) =>
  listedItem("payment_method", mirroredPaymentMethod, card.id, card);
