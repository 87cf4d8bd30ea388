import { isDeepStrictEqual } from "node:util";
import { eq, sql } from "drizzle-orm";
import type { Logger } from "pino";
import { findCustomerSubject } from "../../db/billing-customers.js";
import type { Db } from "../../db/client.js";
import { findExternalId } from "../../db/external-ids.js";
import {
  insertOutboxEvents,
  lockNotifiedState,
  saveNotifiedState,
} from "../../db/outbox-events.js";
import {
  claimPendingBillingChange,
  clearPendingBillingChange,
  type PendingBillingChange,
} from "../../db/pending-billing-changes.js";
import { pendingBillingChanges } from "../../db/schema.js";
import { subjectKey } from "../../db/subjects.js";
import type { BillingChange } from "../billing-changes.js";
import type { PlanCatalog } from "../plans.js";
import { type SubscriptionView, toSubscriptionView } from "../subscription-view.js";
import { readSubscriptionView } from "../subscriptions.js";
import { buildOutgoingEvents } from "./outgoing-events.js";

export interface Clock {
  now(): Date;
}

/** What one dispatch wrote. */
interface Dispatched {
  /** The new view, when it differs from the last one told. */
  change: BillingChange | undefined;
  events: number;
  deliveries: number;
}

/**
 * Turns the customers marked as changed into outbox events. Each mark is taken in its own
 * short transaction, with no network involved: the subject's view is read from the mirror,
 * compared with what apps were last told (stored), and the events, their deliveries, the new
 * told state and the mark's removal commit together. A crash anywhere leaves the mark for
 * the next dispatch; a mark is never dispatched twice, even by two instances at once.
 */
export function createChangeDispatcher(deps: {
  db: Db;
  plans: Pick<PlanCatalog, "plans">;
  clock: Clock;
  logger: Pick<Logger, "warn">;
  /** Each changed view, after its commit (embedded `onChange`). */
  onChange?: (change: BillingChange) => void;
}) {
  const { db, plans, clock, logger } = deps;

  async function dispatch(tx: Db, mark: PendingBillingChange): Promise<Dispatched> {
    const owner = await findCustomerSubject(tx, mark.stripeCustomerId);
    // A customer linked to nobody (yet), or a sync key that names no customer: nobody to tell.
    if (!owner || owner.livemode !== mark.livemode)
      return { change: undefined, events: 0, deliveries: 0 };
    const mode = owner.livemode ? "live" : "test";
    const subject = subjectKey(owner.subject);
    const told = await lockNotifiedState(tx, subject, owner.livemode);
    const view = await readSubscriptionView(tx, plans, owner.subject, mode);
    // Never told: compare with what an app assumes of a user without billing.
    const previous =
      (told?.subscription as SubscriptionView | undefined) ??
      toSubscriptionView(undefined, plans.plans, null, false);
    const viewMoved = !isDeepStrictEqual(normalized(view), normalized(previous));
    if (!viewMoved && !mark.linked) return { change: undefined, events: 0, deliveries: 0 };

    const external = await findExternalId(tx, owner.subject);
    const version = (told?.version ?? 0) + 1;
    const now = clock.now();
    const events = buildOutgoingEvents({
      subject: { ...owner.subject, externalId: external?.id ?? null },
      mode,
      view,
      previous,
      linkedCustomer: mark.linked ? mark.stripeCustomerId : undefined,
      version,
      source: mark.source,
      now,
    });
    await saveNotifiedState(tx, { subject, livemode: owner.livemode, subscription: view, version });
    const deliveries = await insertOutboxEvents(tx, events, now);
    return {
      change: viewMoved ? { subject: owner.subject, mode, subscription: view, version } : undefined,
      events: events.length,
      deliveries,
    };
  }

  /** Dispatches one mark; undefined when none is left that nobody else holds. */
  async function dispatchOne(): Promise<Dispatched | undefined> {
    let taken: string | undefined;
    try {
      return await db.transaction(async (tx) => {
        const mark = await claimPendingBillingChange(tx);
        if (!mark) return undefined;
        taken = mark.stripeCustomerId;
        const dispatched = await dispatch(tx, mark);
        await clearPendingBillingChange(tx, mark.stripeCustomerId);
        return dispatched;
      });
    } catch (error) {
      if (taken === undefined) throw error;
      // To the back of the queue, so one mark that cannot be dispatched holds up no other.
      logger.warn({ err: error, customerId: taken }, "could not dispatch a billing change");
      await db
        .update(pendingBillingChanges)
        .set({ markedAt: sql`now()` })
        .where(eq(pendingBillingChanges.stripeCustomerId, taken));
      return { change: undefined, events: 0, deliveries: 0 };
    }
  }

  return {
    /**
     * Dispatches marks until none is left (or `limit`); answers the deliveries written, so
     * the caller knows whether to look for due deliveries now.
     */
    async dispatchPending(limit = 100): Promise<number> {
      let deliveries = 0;
      for (let done = 0; done < limit; done++) {
        const dispatched = await dispatchOne();
        if (!dispatched) break;
        deliveries += dispatched.deliveries;
        if (dispatched.change) deps.onChange?.(dispatched.change);
      }
      return deliveries;
    },
  };
}

export type ChangeDispatcher = ReturnType<typeof createChangeDispatcher>;

/** A view as stored in jsonb and read back: keys reordered, nothing else. */
const normalized = (view: SubscriptionView) => JSON.parse(JSON.stringify(view)) as unknown;
