import type Stripe from "stripe";
import { API_VERSION } from "./api-version.js";
import { generateId } from "./ids.js";
import { type Account, type EmulatorEvent, saveObject } from "./store.js";

/** Which request caused an event; background work (clock advances) passes none. */
export type EventOrigin = { requestId: string | null; idempotencyKey: string | null };

/**
 * Stripe keeps events for 30 days; a load test makes that many in minutes (one per portal
 * session), so the emulator keeps the newest ones per account within a memory budget.
 * Deliveries already under way hold their own copy.
 */
export const MAX_EVENTS_PER_ACCOUNT = 10_000;

function dropOldestEvents(account: Account): void {
  const events = account.collections.event;
  while (events.size > MAX_EVENTS_PER_ACCOUNT) {
    const oldest = events.keys().next();
    if (oldest.done) return;
    events.delete(oldest.value);
  }
}

/**
 * Records a Stripe-shaped event and hands it to listeners (webhook delivery builds on this).
 * The object is snapshotted so later changes do not rewrite history.
 */
export function emitEvent(
  account: Account,
  type: Stripe.Event.Type,
  object: { id: string },
  previousAttributes?: Record<string, unknown>,
  origin?: EventOrigin,
): EmulatorEvent {
  const event = {
    id: generateId("evt"),
    object: "event",
    api_version: API_VERSION,
    created: account.clock.now(),
    data: {
      object: structuredClone(object),
      ...(previousAttributes ? { previous_attributes: structuredClone(previousAttributes) } : {}),
    },
    livemode: account.livemode,
    pending_webhooks: 0,
    request: { id: origin?.requestId ?? null, idempotency_key: origin?.idempotencyKey ?? null },
    type,
  } satisfies EmulatorEvent;
  saveObject(account, "event", event);
  dropOldestEvents(account);
  for (const listener of account.eventListeners) listener(account, event);
  return event;
}

/** The previous values of the fields an update changed, for `data.previous_attributes`. */
export function diffAttributes<T extends object>(
  before: T,
  after: T,
): Record<string, unknown> | undefined {
  const changed: Record<string, unknown> = {};
  for (const key of Object.keys(after) as (keyof T & string)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changed[key] = before[key];
  }
  return Object.keys(changed).length > 0 ? changed : undefined;
}
