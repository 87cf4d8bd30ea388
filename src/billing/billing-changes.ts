import type { Logger } from "pino";
import type { StripeMode } from "../config.js";
import { type Subject, subjectKey } from "../db/subjects.js";
import type { SubscriptionView } from "./subscription-view.js";

/** A subject whose subscription view changed, and the view as it is now. */
export interface BillingChange {
  subject: Subject;
  mode: StripeMode;
  subscription: SubscriptionView;
  /**
   * Grows with every change told of the subject in this mode (the outgoing webhooks'
   * `version`): a listener keeps the highest it applied and ignores anything older.
   */
  version: number;
}

export type BillingChangeListener = (change: BillingChange) => void | Promise<void>;

/**
 * Tells in-process listeners (embedded `onChange`) when a subject's billing view (plan,
 * status, period, seats, card) changed. The outbox's dispatcher decides what changed, from
 * the database: a view is compared with the last one told, which is stored, so a restart
 * neither repeats nor loses a change. It tells once the change and its record committed, on
 * the instance that dispatched it. A listener's failure is logged and never retried.
 *
 * A subject's changes are told one after another, in the order they were dispatched: a
 * listener is async (the host's own ids are looked up first), so changes told at once could
 * otherwise overtake one another and leave an older view as the last one told.
 */
export function createBillingChanges(deps: { logger: Pick<Logger, "warn"> }) {
  const listeners = new Set<BillingChangeListener>();
  /** Per subject, the end of its telling; dropped once nothing follows it. */
  const telling = new Map<string, Promise<void>>();

  async function tellListeners(change: BillingChange): Promise<void> {
    for (const listener of listeners) {
      await Promise.resolve()
        .then(() => listener(change))
        .catch((error: unknown) =>
          deps.logger.warn({ err: error }, "a billing change listener failed"),
        );
    }
  }

  return {
    /** From the dispatcher, after its commit; resolves once this change was told. */
    tell(change: BillingChange): Promise<void> {
      const key = `${change.mode}:${subjectKey(change.subject)}`;
      const told = (telling.get(key) ?? Promise.resolve()).then(() => tellListeners(change));
      telling.set(key, told);
      void told.then(() => {
        if (telling.get(key) === told) telling.delete(key);
      });
      return told;
    },
    /** Whether anyone listens (then every change is marked for the dispatcher). */
    listening: () => listeners.size > 0,
    /** Returns the function that stops listening. */
    subscribe(listener: BillingChangeListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type BillingChanges = ReturnType<typeof createBillingChanges>;
