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
   * Applies a batch of deliveries' events that carry their objects (`SYNC_SOURCE=payload`)
   * in one transaction, together with `store`: the statement that puts them in the inbox as
   * `processed`. So storing and applying a delivery take one commit, and an event is never
   * stored without its writes or written without its record.
   *
   * `store` runs first, under the customers' locks (taken together), and answers the ids it
   * stored: only those events are applied; one it did not store was stored before, and is
   * that copy's. Events then run oldest first, the rows they write go in one statement per
   * table where nothing in between reads them, and their changes are marked. Answers the ids
   * stored and applied.
   *
   * Throws when any event fails, or one needs a Stripe read (two events of the same second:
   * only Stripe knows which is newer): the whole transaction rolls back, nothing of the
   * batch is stored, and each event is for the caller to store and apply on its own
   * (`applyStoredEvent`), so one bad event fails alone.
   */
  async function applyEvents(
    events: readonly SyncEvent[],
    store: (tx: Db) => Promise<ReadonlySet<string>>,
  ): Promise<ReadonlySet<string>> {
    const { stored, marked } = await withAdvisoryLocks(db, events.map(lockKeyFor), async (tx) => {
      ensureOpen();
      const stored = await store(tx);
      const fresh = firstOfEachId(events.filter((event) => stored.has(event.id)));
      if (fresh.length === 0) return { stored, marked: false };
      await readAheadForBatch(tx, fresh);
      const oldestFirst = fresh.sort((a, b) => a.created - b.created);
      for (const event of oldestFirst) {
        if (writesOnlyItsRow(event)) deferMirroredWrites(tx);
        else await flushMirroredWrites(tx);
        await runHandler(tx, event, noStripeReads);
      }
      await flushMirroredWrites(tx);
      const marked = await recordAppliedBatch(tx, {
        lockKeys: oldestFirst.map(lockKeyFor),
        marks: oldestFirst.map(changeMarkOf),
        listening: listening(),
      });
      return { stored: new Set(oldestFirst.map((event) => event.id)), marked };
    });
    if (marked) {
      for (const mode of ["test", "live"] as const) {
        const ofMode = events.filter((event) => stored.has(event.id) && modeOf(event) === mode);
        applied(mode, ofMode.map(lockKeyFor));
      }
    }
    return stored;
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

/** Each event once: a batch can hold two deliveries of one event. */
function firstOfEachId(events: readonly SyncEvent[]): SyncEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => !seen.has(event.id) && seen.add(event.id));
}

/** The customer an applied event may have changed, for the outbox. */
const changeMarkOf = (event: SyncEvent): BillingChangeMark => ({
  stripeCustomerId: lockKeyFor(event),
  livemode: event.livemode,
  source: event.id,
});
