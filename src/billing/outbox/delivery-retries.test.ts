import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addReceiverEndpoint,
  noneInFlight,
  startOutboxPortico,
  waitForDeliveries,
} from "../../../test/outbox.js";
import { giveCustomer, signUp, type TestPortico } from "../../../test/portico.js";
import { createTestClock, type WebhookReceiver } from "../../../test/webhook-receiver.js";
import { listOutboxEvents } from "../../db/outbox-events.js";
import { MAX_DELIVERY_ATTEMPTS, nextAttemptAt, retryWaitSeconds } from "./retry-schedule.js";

/**
 * A receiver that is down for over a minute (answering 503, then refusing connections) gets
 * every event afterwards, each id once. The outbox's clock is the test's: the backoff is
 * skipped by moving it, never waited out.
 */
describe("a receiver down for a minute", () => {
  const clock = createTestClock();
  let t: TestPortico;
  let receiver: WebhookReceiver;
  let close = async () => {};
  beforeAll(async () => {
    ({ t, receiver, close } = await startOutboxPortico({ clock }));
    await addReceiverEndpoint(t, receiver);
  });
  afterAll(() => close());

  const linkNewCustomers = async (count: number) => {
    for (let i = 0; i < count; i++) await giveCustomer(t, (await signUp(t)).user.id);
  };
  /** Every delivery has been tried `attempts` times (at least), none in flight. */
  const triedAll = (attempts: number, total: number) =>
    waitForDeliveries(
      t,
      (rows) =>
        rows.length === total &&
        noneInFlight(rows) &&
        rows.every((row) => row.attempts >= attempts),
    );

  it("gets every event once after it comes back, including those made while it was down", async () => {
    // Down: 503 to everything. Three links make six events (linked, subscription changed).
    receiver.answer = 503;
    await linkNewCustomers(3);
    const first = await triedAll(1, 6);
    expect(first.every((row) => row.status === "pending" && row.lastResponseStatus === 503)).toBe(
      true,
    );
    expect(receiver.refused.length).toBeGreaterThanOrEqual(6);

    // Then not even listening, while two more customers are linked.
    await receiver.shut();
    receiver.answer = 200;
    clock.advance(40_000);
    await linkNewCustomers(2);
    const second = await triedAll(1, 10);
    expect(second.filter((row) => row.attempts >= 2)).toHaveLength(6);
    expect(
      second.every(
        (row) => row.lastError === "HTTP 503" || /ECONNREFUSED/.test(row.lastError ?? ""),
      ),
    ).toBe(true);
    clock.advance(40_000);
    await triedAll(2, 10);
    expect(receiver.accepted).toEqual([]);

    // Back after 80 s of (moved) time: the next retry finds it, and the rest follow at once.
    await receiver.reopen();
    clock.advance(150_000);
    const done = await waitForDeliveries(
      t,
      (rows) => rows.length === 10 && rows.every((row) => row.status === "delivered"),
    );
    const stored = await listOutboxEvents(t.portico.database.db, { limit: 100 });
    expect(stored).toHaveLength(10);
    expect(new Set(done.map((row) => row.eventId))).toEqual(new Set(stored.map((row) => row.id)));
    await receiver.waitFor((accepted) => accepted.length >= 10);
    const counts = receiver.countsById();
    expect([...counts.keys()].sort()).toEqual(stored.map((row) => row.id).sort());
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    expect(receiver.accepted).toHaveLength(10);
  });
});

describe("the retry schedule", () => {
  it("backs off from 5 s to 8 h with ±20 % jitter, and gives up after about three days", () => {
    const now = new Date("2030-01-01T00:00:00Z");
    const waitAfter = (attempts: number, random: number) =>
      ((nextAttemptAt(attempts, now, () => random)?.getTime() ?? Number.NaN) - now.getTime()) /
      1000;
    expect(waitAfter(1, 0.5)).toBe(5);
    expect(waitAfter(1, 0)).toBe(4);
    expect(waitAfter(1, 1)).toBe(6);
    expect([2, 3, 4, 5, 6, 9].map((n) => retryWaitSeconds(n))).toEqual([
      30, 120, 600, 1800, 3600, 28_800,
    ]);
    expect(nextAttemptAt(MAX_DELIVERY_ATTEMPTS - 1, now)).toBeDefined();
    expect(nextAttemptAt(MAX_DELIVERY_ATTEMPTS, now)).toBeUndefined();
    let total = 0;
    for (let n = 1; n < MAX_DELIVERY_ATTEMPTS; n++) total += retryWaitSeconds(n) ?? 0;
    expect(total / 86_400).toBeGreaterThan(2.9);
    expect(total / 86_400).toBeLessThan(3.1);
  });
});
