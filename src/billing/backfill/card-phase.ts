import { countLiveCustomers, listLiveCustomerIds } from "../../db/backfill-rows.js";
import { listPaymentMethods } from "../../db/billing-payment-methods.js";
import type { Db } from "../../db/client.js";
import type { PhaseProgress } from "../../db/sync-progress.js";
import type { PaymentMethodSnapshot } from "../../stripe/sync-types.js";
import { mirroredCustomer } from "../sync/customers.js";
import { mirroredPaymentMethod } from "../sync/payment-methods.js";
import type { BackfillRun } from "./backfill-run.js";
import { type BackfillItem, unlistedItem } from "./customer-batch.js";
import { cardItem, type PhaseOutcome } from "./listed-phases.js";

const CUSTOMERS_PER_PAGE = 100;
/** Card lists are one request per customer: several in flight hide Stripe's latency. */
const CONCURRENT_CUSTOMERS = 16;

/**
 * Cards have no account-wide list, so this phase goes through the stored customers (the
 * customers phase has just stored Stripe's) and lists each one's cards. A customer whose
 * list Stripe refuses is gone: that is how customers deleted in Stripe are found.
 */
export async function runCardPhase(
  run: BackfillRun,
  progress: PhaseProgress,
): Promise<PhaseOutcome> {
  const { db } = run.deps;
  // A dry run stored none of the customers only Stripe has; they come after the stored ones.
  let unstored = run.dryRun ? [...run.unstoredCustomers].sort() : [];
  run.announceTotal(progress.phase, (await countLiveCustomers(db, run.livemode)) + unstored.length);
  while (!progress.completed) {
    if (run.signal.aborted) return "interrupted";
    const stored = await listLiveCustomerIds(db, run.livemode, progress.cursor, CUSTOMERS_PER_PAGE);
    const lastPage = stored.length < CUSTOMERS_PER_PAGE;
    const customers = lastPage ? [...stored, ...unstored] : stored;
    if (lastPage) unstored = [];
    await forEachConcurrently(customers, CONCURRENT_CUSTOMERS, async (customerId) => {
      // Listed before taking the lock, as a page is: the batch reads a card again when the
      // list would change a stored row, so no lock is held across a paced request.
      const cards = await listAllCards(run, customerId);
      const changed = await run.batch(customerId, (ctx) => collectCards(ctx.tx, customerId, cards));
      // Counted after the await: `+= await` would read the count before other workers add to it.
      progress.changed += changed;
    });
    progress.objects += customers.length;
    progress.cursor = stored.at(-1) ?? progress.cursor;
    progress.completed = lastPage;
    await run.finishPage(progress);
  }
  return "completed";
}

/** The listed cards and the stored ones Stripe no longer lists; no list: the customer is gone. */
async function collectCards(
  tx: Db,
  customerId: string,
  cards: PaymentMethodSnapshot[] | undefined,
): Promise<BackfillItem[]> {
  const stored = await listPaymentMethods(tx, customerId);
  const settle = (id: string) => unlistedItem("payment_method", mirroredPaymentMethod, id);
  if (cards === undefined) {
    return [
      unlistedItem("customer", mirroredCustomer, customerId),
      ...stored.map((card) => settle(card.stripePaymentMethodId)),
    ];
  }
  // A stored card Stripe no longer lists was detached (or deleted): read it to know which.
  const listed = new Set(cards.map((card) => card.id));
  return [
    ...cards.map(cardItem),
    ...stored
      .filter((card) => !listed.has(card.stripePaymentMethodId))
      .map((card) => settle(card.stripePaymentMethodId)),
  ];
}

async function listAllCards(
  run: BackfillRun,
  customerId: string,
): Promise<PaymentMethodSnapshot[] | undefined> {
  const cards: PaymentMethodSnapshot[] = [];
  let hasMore = true;
  while (hasMore) {
    const page = await run.deps.stripe.listCustomerCards(customerId, cards.at(-1)?.id);
    if (!page) return undefined;
    cards.push(...page.objects);
    hasMore = page.hasMore;
  }
  return cards;
}

async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const item = items[next++] as T;
      await work(item).catch((error: unknown) => {
        failed = true;
        throw error;
      });
    }
  };
  // Every worker settles before the failure surfaces: none is left writing behind the caller.
  const results = await Promise.allSettled(
    Array.from({ length: Math.min(concurrency, items.length) }, worker),
  );
  const failure = results.find((result) => result.status === "rejected");
  if (failure) throw failure.reason;
}
