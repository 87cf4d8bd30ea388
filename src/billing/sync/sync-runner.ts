import type { Logger } from "pino";
import type { Config, StripeMode } from "../../config.js";
import { recordAppliedBatch } from "../../db/applied-batch.js";
import type { Db } from "../../db/client.js";
import { withAdvisoryLocks } from "../../db/locks.js";
import { type BillingChangeMark, markBillingChanged } from "../../db/pending-billing-changes.js";
import { completeStripeEvent } from "../../db/stripe-events.js";
import { deferMirroredWrites, flushMirroredWrites } from "../../db/watermark.js";
import { PorticoError } from "../../errors.js";
import { toSyncEvent } from "../../stripe/events.js";
import type { StripeGateway } from "../../stripe/gateway.js";
import type { SyncCalls } from "../../stripe/sync-calls.js";
import type { SyncEvent } from "../../stripe/sync-types.js";
import type { PlanCatalog } from "../plans.js";
import {
  findEventHandler,
  lockKeyFor,
  readAheadForBatch,
  readEventObjectAhead,
  writesOnlyItsRow,
} from "./handlers.js";
import { pullCustomer } from "./pull-customer.js";
import { createReadFirstRunner, noStripeReads } from "./read-first.js";
import type { SyncContext } from "./sync-context.js";
import type { SyncOutcome } from "./watermark.js";

export interface SyncDeps {
  db: Db;
  stripe: Pick<StripeGateway, "sync">;
  plans: Pick<PlanCatalog, "planForPrice">;
  config: Pick<Config, "sync">;
  logger: Pick<Logger, "info" | "warn">;
  /**
   * After a commit marked these customers' rows changed (events applied, or a pull) in the
   * same transaction (`markBillingChanged`): this call only says the outbox may look now
   * rather than on its next poll. Nothing marked (nobody listens), no call.
   */
  onApplied?: (mode: StripeMode, customerIds: readonly string[]) => void;
  /** Whether an in-process listener (embedded `onChange`) wants every change marked. */
  listening?: () => boolean;
}

/**
 * Runs sync work one customer at a time: every event and every pull writes under the
 * customer's advisory lock, so two instances (or two deliveries) never interleave their
 * writes. Stripe is read with no transaction open (`createReadFirstRunner`): a slow Stripe
 * holds up only the customer it is answering for, never the database.
 */
export function createSyncRunner(deps: SyncDeps) {
  const listening = () => deps.listening?.() ?? false;
  const { db, stripe, plans, config, logger } = deps;
  const applied = (mode: StripeMode, customerIds: readonly string[]) => {
    if (customerIds.length > 0) deps.onApplied?.(mode, [...new Set(customerIds)]);
  };
  const readFirst = createReadFirstRunner(db);
  let closed = false;
  /**
   * Checked once a transaction holds its locks: after `close()`, work that has not begun
   * stops there and rolls back, leaving its event stored for a retry, so a shutdown's grace
   * period bounds how long queued work keeps the database.
   */
  const ensureOpen = () => {
    if (closed) {
      throw new PorticoError("SERVICE_UNAVAILABLE", "Portico is shutting down", {
        retryAfter: 5,
      });
    }
  };
  const contextFor = (tx: Db, mode: StripeMode, calls: SyncCalls): SyncContext => ({
    tx,
    livemode: mode === "live",
    stripe: calls,
    source: config.sync.source,
    plans,
    logger,
  });

  /**
   * Applies an inbox event and marks it `processed` in the same transaction, so the
   * change and its record commit together. Throws when the handler fails; nothing of
   * the event is then written, and the caller records the failure.
   */
  function applyStoredEvent(payload: unknown): Promise<SyncOutcome> {
    return applyEvent(toSyncEvent(payload));
  }

  async function applyEvent(event: SyncEvent): Promise<SyncOutcome> {
    const mode = modeOf(event);
    const { outcome, marked } = await readFirst.run(
      lockKeyFor(event),
      stripe.sync(mode),
      async (tx, calls) => {
        ensureOpen();
        const outcome = await runHandler(tx, event, calls);
        await completeStripeEvent(tx, event.id, "processed");
        return {
          outcome,
          marked: await markBillingChanged(tx, [changeMarkOf(event)], listening()),
        };
      },
      (db, calls) => readEventObjectAhead(db, event, calls, config.sync.source),
    );
    if (marked) applied(mode, [lockKeyFor(event)]);
    return outcome;
  }

  const modeOf = (event: SyncEvent): StripeMode => (event.livemode ? "live" : "test");

  /** The event's handler, in the event's mode, inside the caller's transaction. */
  function runHandler(tx: Db, event: SyncEvent, calls: SyncCalls): Promise<SyncOutcome> {
    const handler = findEventHandler(event.type);
    if (!handler) throw new Error(`no handler for ${event.type}`);
    return handler(contextFor(tx, modeOf(event), calls), event);
  }

  /**
   * `applyStoredEvent` for a batch of events that carry their objects (`SYNC_SOURCE=payload`),
   * in one transaction: the customers' locks are taken together, events run oldest first,
   * the rows they write go in one statement per table where nothing in between reads them,
   * and all are marked `processed` with their changes. When any event fails, or one needs a
   * Stripe read (two events of the same second: only Stripe knows which is newer), the
   * batch rolls back and each event runs on its own, reading Stripe first; so one bad event
   * fails alone. Answers each event's error, or undefined when it was applied.
   */
  async function applyEvents(events: readonly SyncEvent[]): Promise<unknown[]> {
    try {
      const oldestFirst = [...events].sort((a, b) => a.created - b.created);
      const marked = await withAdvisoryLocks(db, events.map(lockKeyFor), async (tx) => {
        ensureOpen();
        await readAheadForBatch(tx, events);
        for (const event of oldestFirst) {
          if (writesOnlyItsRow(event)) deferMirroredWrites(tx);
          else await flushMirroredWrites(tx);
          await runHandler(tx, event, noStripeReads);
        }
        await flushMirroredWrites(tx);
        return recordAppliedBatch(tx, {
          lockKeys: events.map(lockKeyFor),
          eventIds: events.map((event) => event.id),
          marks: oldestFirst.map(changeMarkOf),
          listening: listening(),
        });
      });
      if (marked) {
        for (const mode of ["test", "live"] as const) {
          applied(mode, events.filter((event) => modeOf(event) === mode).map(lockKeyFor));
        }
      }
      return events.map(() => undefined);
    } catch {
      return Promise.all(
        events.map((event) =>
          applyEvent(event).then(
            () => undefined,
            (error: unknown) => error ?? new Error("event failed"),
          ),
        ),
      );
    }
  }

  /** Pulls a customer's current state from Stripe now. */
  async function pull(mode: StripeMode, customerId: string): Promise<void> {
    const marked = await readFirst.run(customerId, stripe.sync(mode), async (tx, calls) => {
      ensureOpen();
      await pullCustomer(contextFor(tx, mode, calls), customerId);
      return markBillingChanged(
        tx,
        [{ stripeCustomerId: customerId, livemode: mode === "live", source: "sync" }],
        listening(),
      );
    });
    if (marked) applied(mode, [customerId]);
  }

  /** Refuses work not yet begun (see `ensureOpen`); for a graceful shutdown. */
  function close() {
    closed = true;
  }

  return { applyStoredEvent, applyEvents, pull, close };
}

export type SyncRunner = ReturnType<typeof createSyncRunner>;

/** The customer an applied event may have changed, for the outbox. */
const changeMarkOf = (event: SyncEvent): BillingChangeMark => ({
  stripeCustomerId: lockKeyFor(event),
  livemode: event.livemode,
  source: event.id,
});
