import type { Logger } from "pino";
import type { Config, StripeMode } from "../config.js";
import type { Db } from "../db/client.js";
import { isDataError } from "../db/sql-state.js";
import {
  claimStripeEvent,
  failStripeEvent,
  insertStripeEvents,
  type NewStripeEvent,
  takeStoredEvents,
} from "../db/stripe-events.js";
import { PorticoError } from "../errors.js";
import { createGroupCommit } from "../group-commit.js";
import type { Metrics } from "../metrics.js";
import { describeError } from "../redact-error.js";
import { isStorableText, replaceUnstorableText } from "../storable-values.js";
import { toSyncEvent } from "../stripe/events.js";
import type { SyncEvent } from "../stripe/sync-types.js";
import { type VerifiedWebhook, verifyWebhook, WebhookRejectedError } from "../stripe/webhooks.js";
import { findEventHandler } from "./sync/handlers.js";
import type { SyncRunner } from "./sync/sync-runner.js";

/**
 * A `processing` event untouched this long was abandoned (its instance died mid-way);
 * Stripe's next redelivery may take it over. Longer than any transaction can last.
 */
export const PROCESSING_LEASE_SECONDS = 120;

/**
 * `queued`: stored, and applied right behind the answer (the instance was busy applying).
 * `duplicate`: the inbox already had the event, processed or in hand elsewhere.
 */
export type WebhookOutcome = "processed" | "queued" | "ignored" | "duplicate";

/** Deliveries written to the inbox in one statement, and stored and applied in one transaction. */
const INBOX_BATCH = 500;
const APPLY_BATCH = 100;

/** A delivery's event, as the inbox stores it and as sync applies it. */
interface Delivery {
  row: NewStripeEvent;
  event: SyncEvent;
  /** Already in the inbox as `processing`, answered `queued`: its group takes it over. */
  queued?: boolean;
}

/**
 * Events answered `queued` and not yet applied, at most. Beyond it a delivery waits for its
 * apply again, so a backlog slows Stripe's deliveries down instead of growing in memory.
 */
const MAX_QUEUED = 1_000;

const NO_SECRETS: Record<StripeMode, string[]> = { test: [], live: [] };

/** How JSON text spells a NUL or a surrogate, which `JSON.parse` turns into the characters. */
const ESCAPED_UNSTORABLE = /\\u(?:0000|d[89a-f])/i;

/**
 * The inbox in front of sync. Only a genuine event is stored; storing it first (by id,
 * once) is what makes redeliveries and concurrent instances harmless; an event that
 * cannot be applied answers 5xx so that Stripe tries again, and stays `failed` for a retry.
 *
 * Under load, concurrent deliveries share their writes (group commit). With
 * `SYNC_SOURCE=payload`, one transaction stores a whole group in the inbox and applies it,
 * while the next group gathers; when that transaction fails, each of its events goes the
 * long way: stored (one insert for a group), then applied on its own, so only a bad event
 * fails. With `refetch`, each event is stored that way, then reads Stripe under its
 * customer's lock and is applied on its own, so one slow read holds up only its own
 * customer. A delivery is answered once its event is stored and applied; with `payload`,
 * while the apply transaction is busy, once it is stored (`queued`): it is then applied
 * with the next group, and a crash in between leaves it `processing` in the inbox, where
 * the retry worker takes it over after the lease. Stripe's advice is the same: answer
 * once the event is durable, and apply it behind the answer.
 */
export function createWebhookService(deps: {
  db: Db;
  runner: Pick<SyncRunner, "applyStoredEvent" | "applyEvents">;
  config: {
    stripe: Pick<Config["stripe"], "webhookSecrets">;
    sync: Pick<Config["sync"], "source" | "retry">;
  };
  metrics: Pick<Metrics, "webhookEvent">;
  logger: Pick<Logger, "warn">;
}) {
  const { db, runner, metrics, logger } = deps;
  const allSecrets = deps.config.stripe.webhookSecrets;
  // Answering before the apply leaves its recovery (a failed apply, a crash) to the retry
  // worker: with the worker off, every delivery waits for its apply, for Stripe to retry.
  const mayQueue = deps.config.sync.source === "payload" && deps.config.sync.retry.intervalMs > 0;
  const inbox = createGroupCommit<NewStripeEvent, boolean>({
    maxBatch: INBOX_BATCH,
    async write(events) {
      const inserted = await insertStripeEvents(db, events);
      // A batch can hold two copies of one event; only the first is new.
      return events.map((event) => inserted.delete(event.id));
    },
    // A row the database refuses fails the whole insert: find it, and store its neighbours.
    isolate: isDataError,
  });
  // Under load groups grow instead of transactions multiplying: one transaction of many
  // events costs the database less than several of a few. When deliveries may be queued,
  // one transaction at a time: those arriving meanwhile are answered once stored and make
  // the next group. Otherwise two, on two connections, so that deliveries waiting for their
  // apply overlap two chains (docs/benchmarks.md, "Webhooks").
  const together = createGroupCommit<Delivery, boolean>({
    maxBatch: APPLY_BATCH,
    concurrency: mayQueue ? 1 : 2,
    async write(deliveries) {
      const fresh = deliveries.filter((delivery) => !delivery.queued).map(({ row }) => row);
      const queued = deliveries.filter((delivery) => delivery.queued).map(({ row }) => row.id);
      const events = deliveries.map((delivery) => delivery.event);
      const stored = new Set(
        await runner.applyEvents(events, async (tx) => {
          const mine = await insertStripeEvents(tx, fresh);
          for (const id of await takeStoredEvents(tx, queued)) mine.add(id);
          return mine;
        }),
      );
      // A group can hold two copies of one event; only the first is new.
      return deliveries.map((delivery) => stored.delete(delivery.row.id));
    },
  });

  /**
   * Stores and applies a handled event with its group, in one transaction. False when it
   * was stored before (a redelivery), or when its group could not be applied whole: then
   * nothing of it is stored, and the caller takes the long way.
   */
  async function storeAndApply(row: NewStripeEvent): Promise<boolean> {
    try {
      const event = toSyncEvent(row.payload);
      return await together.submit({ row: { ...row, status: "processed" }, event });
    } catch {
      return false;
    }
  }

  function verify(
    rawBody: string | Uint8Array,
    signature: string | undefined,
    only: StripeMode | undefined,
  ): VerifiedWebhook {
    // An endpoint of one mode tries only that mode's secrets.
    const secrets = only ? { ...NO_SECRETS, [only]: allSecrets[only] } : allSecrets;
    if (secrets.test.length === 0 && secrets.live.length === 0) {
      throw new PorticoError(
        "WEBHOOKS_NOT_CONFIGURED",
        "No webhook signing secret is configured: set STRIPE_WEBHOOK_SECRETS",
        { retryAfter: 60 },
      );
    }
    try {
      return verifyWebhook(rawBody, signature, secrets);
    } catch (error) {
      if (!(error instanceof WebhookRejectedError)) throw error;
      throw new PorticoError("INVALID_WEBHOOK", error.message, { cause: error });
    }
  }

  // Deliveries still being handled, even when their request was cut: a shutdown waits for
  // them, so that each event ends applied or recorded as failed before the database closes.
  const inFlight = new Set<Promise<unknown>>();

  /**
   * The event with every NUL and unpaired surrogate in its payload replaced by U+FFFD: jsonb
   * cannot hold them, and a Stripe object may carry them (a customer's name, metadata). The
   * signature was checked on the exact bytes; what is stored and applied is this copy.
   */
  function storable(event: VerifiedWebhook): VerifiedWebhook {
    // The text shows whether the parsed payload can hold any: then only is it searched.
    if (!ESCAPED_UNSTORABLE.test(event.json) && isStorableText(event.json)) return event;
    const payload = replaceUnstorableText(event.payload);
    if (payload === event.payload) return event;
    logger.warn(
      { event: event.id, type: event.type },
      "event payload held characters PostgreSQL cannot store; stored as U+FFFD",
    );
    return { ...event, payload, json: JSON.stringify(payload) };
  }

  /**
   * `rawBody`: the request's exact bytes, which is what Stripe signed, or their UTF-8 text
   * (what Stripe's verifier checks). `only`: the endpoint is one mode's, and a signature by
   * the other mode's secret is refused.
   */
  function receiveWebhook(
    rawBody: string | Uint8Array,
    signature: string | undefined,
    only?: StripeMode,
  ): Promise<{ eventId: string; status: WebhookOutcome }> {
    const work = receive(rawBody, signature, only);
    inFlight.add(work);
    const settled = () => inFlight.delete(work);
    work.then(settled, settled);
    return work;
  }

  async function receive(
    rawBody: string | Uint8Array,
    signature: string | undefined,
    only: StripeMode | undefined,
  ): Promise<{ eventId: string; status: WebhookOutcome }> {
    const event = storable(verify(rawBody, signature, only));
    const handled = findEventHandler(event.type) !== undefined;
    const answer = (status: Exclude<WebhookOutcome, "queued">) => {
      metrics.webhookEvent(event.type, status);
      return { eventId: event.id, status };
    };
    const row: NewStripeEvent = {
      id: event.id,
      type: event.type,
      livemode: event.livemode,
      created: new Date(event.created * 1000),
      payload: event.payload,
      payloadJson: event.json,
      status: handled ? "processing" : "ignored",
    };
    let inserted: boolean | undefined;
    if (handled && deps.config.sync.source === "payload") {
      // The apply transaction busy: waiting for the next would only lengthen the queue.
      if (mayQueue && together.saturated() && queuedApplies.size < MAX_QUEUED) {
        inserted = await store(row);
        if (inserted) {
          applyBehind(row);
          return { eventId: event.id, status: "queued" };
        }
      } else if (await storeAndApply(row)) {
        return answer("processed");
      }
    }

    inserted ??= await store(row);
    if (!handled) return answer(inserted ? "ignored" : "duplicate");
    // A redelivery of an event that failed before is this delivery's to retry.
    if (!inserted && !(await claimStripeEvent(db, event.id, PROCESSING_LEASE_SECONDS))) {
      return answer("duplicate");
    }

    try {
      await runner.applyStoredEvent(event.payload);
    } catch (error) {
      metrics.webhookEvent(event.type, "failed");
      await failStripeEvent(db, event.id, describeError(error)).catch((recordError: unknown) =>
        logger.warn({ err: recordError, event: event.id }, "could not record a failed event"),
      );
      throw new PorticoError(
        "WEBHOOK_HANDLER_FAILED",
        "The event was recorded but could not be applied; it will be retried",
        { cause: error },
      );
    }
    return answer("processed");
  }

  /** Stores a delivery's event in the inbox; false when it was there already. */
  function store(row: NewStripeEvent): Promise<boolean> {
    return inbox.submit(row).catch((error: unknown) => {
      if (!isDataError(error)) throw error;
      // Only this event: its neighbours in the insert were stored without it. Stripe will
      // redeliver it, to the same answer; the log says which event and why (no values).
      logger.warn({ err: error, event: row.id }, "the inbox refused an event's data");
      throw new PorticoError(
        "INVALID_WEBHOOK",
        `Event ${row.id} holds a value the database cannot store`,
        { cause: error },
      );
    });
  }

  // Applies of events answered `queued`: each ends applied, or recorded failed for a retry.
  const queuedApplies = new Set<Promise<void>>();

  function applyBehind(row: NewStripeEvent): void {
    const work = applyQueued(row);
    queuedApplies.add(work);
    void work.finally(() => queuedApplies.delete(work));
  }

  /**
   * Applies a stored `processing` event with the next group. False from the group: the event
   * was no longer `processing` (another instance took it over after the lease), so it is
   * that one's. When the group fails, the event is applied on its own, as on the long way.
   */
  async function applyQueued(row: NewStripeEvent): Promise<void> {
    try {
      const event = toSyncEvent(row.payload);
      if (await together.submit({ row, event, queued: true })) {
        metrics.webhookEvent(row.type, "processed");
      }
      return;
    } catch {
      // The group rolled back whole (or the payload is no event we know): alone, below.
    }
    try {
      await runner.applyStoredEvent(row.payload);
      metrics.webhookEvent(row.type, "processed");
    } catch (error) {
      metrics.webhookEvent(row.type, "failed");
      logger.warn(
        { err: error, event: row.id },
        "a queued event could not be applied; it will be retried",
      );
      await failStripeEvent(db, row.id, describeError(error)).catch((recordError: unknown) =>
        logger.warn({ err: recordError, event: row.id }, "could not record a failed event"),
      );
    }
  }

  /**
   * Resolves once every event answered `queued` so far is applied or recorded as failed.
   * A shutdown waits for this before it refuses new sync work.
   */
  async function settled(): Promise<void> {
    while (queuedApplies.size > 0) await Promise.allSettled([...queuedApplies]);
  }

  /** Waits for the writes and batches under way (for a graceful shutdown). */
  async function drain(): Promise<void> {
    await settled();
    await Promise.allSettled([...inFlight]);
    await inbox.idle();
    await together.idle();
  }

  return { receiveWebhook, settled, drain };
}

export type WebhookService = ReturnType<typeof createWebhookService>;
