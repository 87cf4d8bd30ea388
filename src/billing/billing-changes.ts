import type { Logger } from "pino";
import type { StripeMode } from "../config.js";
import { findCustomerOwner } from "../db/billing-customers.js";
import type { Db } from "../db/client.js";
import type { Subject } from "../db/subjects.js";
import type { SubscriptionView } from "./subscription-view.js";

/** A subject whose subscription view changed, and the view as it is now. */
export interface BillingChange {
  subject: Subject;
  mode: StripeMode;
  subscription: SubscriptionView;
}

export type BillingChangeListener = (change: BillingChange) => void | Promise<void>;

/** Subjects whose last view is remembered, to tell a change from a repeat. */
const REMEMBERED_SUBJECTS = 10_000;

/**
 * Tells listeners when a subject's billing state (plan, status, period, seats, card) has
 * changed, after the sync that changed it committed. Each applied customer is read back
 * from the local mirror; a view equal to the last one told about that subject is not told
 * again. Views are remembered in memory: after a restart, the first change of a subject is
 * told even if only an invoice moved. A listener's failure is logged and never fails sync.
 */
export function createBillingChanges(deps: {
  db: Db;
  subscriptions: { getSubscription(subject: Subject, mode: StripeMode): Promise<SubscriptionView> };
  logger: Pick<Logger, "warn">;
}) {
  const listeners = new Set<BillingChangeListener>();
  const lastTold = new Map<string, string>();

  async function tell(mode: StripeMode, customerId: string) {
    const owner = await findCustomerOwner(deps.db, customerId);
    if (!owner || owner.livemode !== (mode === "live")) return;
    const subscription = await deps.subscriptions.getSubscription(owner.subject, mode);
    const key = `${mode}:${owner.subject.type}:${owner.subject.id}`;
    const shown = JSON.stringify(subscription);
    if (lastTold.get(key) === shown) return;
    lastTold.delete(key);
    lastTold.set(key, shown);
    if (lastTold.size > REMEMBERED_SUBJECTS) {
      lastTold.delete(lastTold.keys().next().value as string);
    }
    for (const listener of listeners) {
      await Promise.resolve()
        .then(() => listener({ subject: owner.subject, mode, subscription }))
        .catch((error: unknown) =>
          deps.logger.warn({ err: error }, "a billing change listener failed"),
        );
    }
  }

  return {
    /** From the sync runner, after its commit: reads and tells in the background. */
    customersChanged(mode: StripeMode, customerIds: readonly string[]) {
      if (listeners.size === 0) return;
      for (const customerId of customerIds) {
        void tell(mode, customerId).catch((error: unknown) =>
          deps.logger.warn({ err: error, customerId }, "could not read a billing change"),
        );
      }
    },
    /** Returns the function that stops listening. */
    subscribe(listener: BillingChangeListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type BillingChanges = ReturnType<typeof createBillingChanges>;
