import { emitEvent } from "../events.js";
import { invalidRequest } from "../http/errors.js";
import { generateId } from "../ids.js";
import { saveObject } from "../store.js";
import type { BillingContext } from "./context.js";
import { advanceClock } from "./lifecycle.js";
import { requireTestClock, runOnTestClock, type TestClock } from "./test-clock-time.js";

/** Creating, advancing and deleting Stripe's Test Clocks (time itself: test-clock-time.ts). */

/** Stripe deletes a test clock, and everything on it, 30 days after creating it. */
const LIFETIME_SECONDS = 30 * 86_400;

export function createTestClock(
  context: BillingContext,
  input: { frozenTime: number; name: string | null },
): TestClock {
  const { account } = context;
  const created = account.clock.now();
  const clock = saveObject(account, "test_helpers.test_clock", {
    id: generateId("clock"),
    object: "test_helpers.test_clock",
    created,
    deletes_after: created + LIFETIME_SECONDS,
    frozen_time: input.frozenTime,
    livemode: account.livemode,
    name: input.name,
    status: "ready",
    status_details: {},
  } satisfies TestClock);
  emitEvent(account, "test_helpers.test_clock.created", clock, undefined, context);
  return clock;
}

/**
 * Moves a test clock forward, doing everything due on the way for its customers in order.
 * Stripe advances in the background and answers `advancing`; the emulator does the work
 * before answering but still answers `advancing`, so code that polls until `ready` (as it
 * must against Stripe) sees `ready` on its first retrieve.
 */
export function advanceTestClock(context: BillingContext, id: string, target: number): TestClock {
  const { account } = context;
  const before = requireTestClock(account, id);
  if (before.status !== "ready") {
    throw invalidRequest("The test clock is still advancing; wait until it is ready.");
  }
  if (target <= before.frozen_time) {
    throw invalidRequest(
      "The frozen_time must be after the test clock's current frozen_time.",
      "frozen_time",
    );
  }
  const advancing = saveObject(account, "test_helpers.test_clock", {
    ...before,
    status: "advancing",
    status_details: { advancing: { target_frozen_time: target } },
  });
  emitEvent(account, "test_helpers.test_clock.advancing", advancing, undefined, context);
  // Work the clock causes is background work: its events carry no request.
  const background = { ...context, requestId: null, idempotencyKey: null };
  runOnTestClock(account, id, () => advanceClock(background, target, id));
  const ready = saveObject(account, "test_helpers.test_clock", {
    ...requireTestClock(account, id),
    frozen_time: target,
    status: "ready",
    status_details: {},
  });
  emitEvent(account, "test_helpers.test_clock.ready", ready, undefined, background);
  return advancing;
}

/** Deleting a test clock deletes the customers on it and their subscriptions, as Stripe does. */
export function deleteTestClock(context: BillingContext, id: string) {
  const { account } = context;
  const clock = requireTestClock(account, id);
  const customers = account.collections.customer;
  for (const [customerId, customer] of customers) {
    if ("deleted" in customer || customer.test_clock !== id) continue;
    customers.set(customerId, { id: customerId, object: "customer", deleted: true });
    for (const [subscriptionId, subscription] of account.collections.subscription) {
      if (subscription.customer === customerId) {
        account.collections.subscription.delete(subscriptionId);
      }
    }
  }
  account.collections["test_helpers.test_clock"].delete(id);
  emitEvent(account, "test_helpers.test_clock.deleted", clock, undefined, context);
  return { id, object: "test_helpers.test_clock", deleted: true } as const;
}
