import type Stripe from "stripe";
import type { Clock } from "../clock.js";
import type { ApiHandler, ApiRequest } from "../http/route.js";
import { requireObject } from "../resources/lookup.js";
import { type Account, saveObject } from "../store.js";
import type { Wire } from "../wire.js";

/**
 * Stripe's Test Clocks: customers created with `test_clock` live on that clock's
 * `frozen_time` instead of the account's time, and only advancing that clock renews their
 * subscriptions. The emulator runs the same lifecycle code for both by swapping the
 * account's clock for the test clock while the work for its objects runs; requests are
 * handled synchronously, so nothing else can observe the swap.
 */

export type TestClock = Wire<Stripe.TestHelpers.TestClock>;

export function requireTestClock(account: Account, id: string, param?: string): TestClock {
  return requireObject(account, "test_helpers.test_clock", id, param);
}

/** A `Clock` that reads and moves a stored test clock's `frozen_time`. */
function clockOf(account: Account, id: string): Clock {
  const now = () => requireTestClock(account, id).frozen_time;
  const advanceTo = (unixSeconds: number) => {
    if (unixSeconds < now()) throw new RangeError("A clock can only move forward");
    saveObject(account, "test_helpers.test_clock", {
      ...requireTestClock(account, id),
      frozen_time: unixSeconds,
    });
  };
  return { now, advanceTo, advanceBy: (seconds) => advanceTo(now() + seconds) };
}

/** Runs `work` with the account's time being the test clock's (or as is, for `null`). */
export function runOnTestClock<T>(account: Account, clockId: string | null, work: () => T): T {
  if (!clockId) return work();
  const accountClock = account.clock;
  account.clock = clockOf(account, clockId);
  try {
    return work();
  } finally {
    account.clock = accountClock;
  }
}

export function testClockOfCustomer(account: Account, customerId: unknown): string | null {
  if (typeof customerId !== "string") return null;
  const customer = account.collections.customer.get(customerId);
  return customer && !("deleted" in customer) ? (customer.test_clock as string | null) : null;
}

/** Wraps an API handler so it runs on the test clock of the customer `customerOf` names. */
export function onCustomerClock(
  handler: ApiHandler,
  customerOf: (request: ApiRequest) => unknown,
): ApiHandler {
  return (request) =>
    runOnTestClock(request.account, testClockOfCustomer(request.account, customerOf(request)), () =>
      handler(request),
    );
}
