import { randomBytes } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { StripeMode } from "../../config.js";
import type { NewOutboxEvent } from "../../db/outbox-events.js";
import { type Subject, subjectKey } from "../../db/subjects.js";
import type { SubscriptionView } from "../subscription-view.js";

/** What outgoing webhooks tell apps. */
export const OUTGOING_EVENT_TYPES = [
  "subscription.changed",
  "entitlements.changed",
  "customer.linked",
] as const;

export type OutgoingEventType = (typeof OUTGOING_EVENT_TYPES)[number];

/** A subject as events name it: Portico's id, and the app's own (a JWT's `sub`, `identify`'s id). */
export interface EventSubject extends Subject {
  externalId: string | null;
}

/** One dispatch's facts about a subject: what it is now, and what apps were told before. */
export interface SubjectChange {
  subject: EventSubject;
  mode: StripeMode;
  view: SubscriptionView;
  /** The view last told; for a subject never told, the view of one without billing. */
  previous: SubscriptionView;
  /** A customer linked since the last dispatch. */
  linkedCustomer: string | undefined;
  /** The subject's count of dispatches that told something, this one included. */
  version: number;
  /** The Stripe event id (or `sync`, `link`) that changed it last. */
  source: string | null;
  now: Date;
}

/** Stripe-style ids: unique, and kept by every redelivery of the event. */
export const newEventId = () => `evt_${randomBytes(12).toString("hex")}`;

/**
 * The events a change makes, in the order apps should apply them: the link, then the new
 * subscription view, then entitlements when they moved. Shaped like Stripe's events (`id`,
 * `object: "event"`, `type`, `created`, `livemode`, `data.object`, and the fields that moved
 * in `data.previous_attributes`), so `stripe.webhooks.constructEvent` parses them.
 */
export function buildOutgoingEvents(change: SubjectChange): NewOutboxEvent[] {
  const { view, previous } = change;
  const events: [OutgoingEventType, Record<string, unknown>, Record<string, unknown>?][] = [];
  if (change.linkedCustomer) {
    events.push(["customer.linked", { object: "customer_link", customer: change.linkedCustomer }]);
  }
  const moved = movedFields(view, previous);
  if (Object.keys(moved).length > 0) {
    events.push(["subscription.changed", { object: "subscription", subscription: view }, moved]);
  }
  if (!isDeepStrictEqual(view.entitlements, previous.entitlements)) {
    events.push([
      "entitlements.changed",
      { object: "entitlements", plan: view.plan, entitlements: view.entitlements },
      { plan: previous.plan, entitlements: previous.entitlements },
    ]);
  }
  const created = Math.floor(change.now.getTime() / 1000);
  const subject = subjectKey(change.subject);
  return events.map(([type, object, previousAttributes]) => {
    const id = newEventId();
    const payload = {
      id,
      object: "event",
      type,
      created,
      livemode: change.mode === "live",
      data: {
        object: {
          ...object,
          subject: {
            type: change.subject.type,
            id: change.subject.id,
            external_id: change.subject.externalId,
          },
          version: change.version,
        },
        ...(previousAttributes ? { previous_attributes: previousAttributes } : {}),
      },
    };
    return {
      id,
      type,
      livemode: change.mode === "live",
      subject,
      source: change.source,
      created: change.now,
      payload,
    };
  });
}

/** The view's fields that differ from the previous view, with their previous values. */
function movedFields(view: SubscriptionView, previous: SubscriptionView) {
  const moved: Record<string, unknown> = {};
  for (const key of Object.keys(view) as (keyof SubscriptionView)[]) {
    if (!isDeepStrictEqual(view[key], previous[key])) moved[key] = previous[key] ?? null;
  }
  return moved;
}
