import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addReceiverEndpoint, waitForDeliveries } from "../../../test/outbox.js";
import {
  giveCustomer,
  newEncryptionKey,
  signUp,
  startTestPortico,
  type TestPortico,
} from "../../../test/portico.js";
import { startWebhookReceiver, type WebhookReceiver } from "../../../test/webhook-receiver.js";
import { insertOutboxEvents, listOutboxEvents } from "../../db/outbox-events.js";
import { markBillingChanged } from "../../db/pending-billing-changes.js";
import { pendingBillingChanges } from "../../db/schema.js";
import {
  claimDueDelivery,
  listDeliveries,
  recordDelivered,
  recordDeliveryFailure,
} from "../../db/webhook-deliveries.js";

const seconds = (from: Date, n: number) => new Date(from.getTime() + n * 1000);

/**
 * What makes the outbox durable: a change is marked in the transaction that made it, so a
 * crash before the dispatch loses nothing and a restart repeats nothing; deliveries are
 * claimed with a lease, so two instances never send one at once and a dead instance's
 * attempt is taken over.
 */
describe("the outbox across a crash", () => {
  const key = newEncryptionKey();
  const withWorker = (intervalMs: string) => ({
    PORTICO_ENCRYPTION_KEY: key,
    OUTBOX_INTERVAL_MS: intervalMs,
  });
  let first: TestPortico;
  let receiver: WebhookReceiver;
  const started: TestPortico[] = [];
  beforeAll(async () => {
    // The first instance never dispatches: it "dies" right after its commits.
    first = await startTestPortico({ env: withWorker("0") });
    receiver = await startWebhookReceiver();
    await addReceiverEndpoint(first, receiver);
  });
  afterAll(async () => {
    for (const t of started.reverse()) await t.close();
    await first?.close();
    await receiver?.close();
  });

  it("tells a change committed before the crash after the restart, once", async () => {
    const { user } = await signUp(first);
    const customer = await giveCustomer(first, user.id);
    const { db } = first.portico.database;
    expect(await db.select().from(pendingBillingChanges)).toMatchObject([
      { stripeCustomerId: customer.id, linked: true },
    ]);
    expect(await listOutboxEvents(db, { limit: 10 })).toEqual([]);
    await first.stop();

    const second = await startTestPortico({ sibling: first, env: withWorker("50") });
    started.push(second);
    await receiver.waitFor((accepted) => accepted.length >= 2);
    expect(receiver.accepted.map((event) => event.type)).toEqual([
      "customer.linked",
      "subscription.changed",
    ]);
    await waitForDeliveries(second, (rows) => rows.every((row) => row.status === "delivered"));
    await second.stop();

    // Another restart: what was told is stored, so the same state is not told again.
    const third = await startTestPortico({ sibling: first, env: withWorker("0") });
    started.push(third);
    const thirdDb = third.portico.database.db;
    await markBillingChanged(
      thirdDb,
      [{ stripeCustomerId: customer.id, livemode: false, source: "sync" }],
      false,
    );
    expect(await third.portico.outbox.dispatcher.dispatchPending()).toBe(0);
    expect(await thirdDb.select().from(pendingBillingChanges)).toEqual([]);
    expect(await listOutboxEvents(thirdDb, { limit: 10 })).toHaveLength(2);
    expect([...receiver.countsById().values()]).toEqual([1, 1]);
  });

  it("takes over an attempt whose instance died, and ignores that attempt's late outcome", async () => {
    const [t] = started.slice(-1) as [TestPortico];
    const { db } = t.portico.database;
    const now = new Date();
    await db.transaction((tx) =>
      insertOutboxEvents(
        tx,
        [
          {
            id: "evt_lease_test",
            type: "subscription.changed",
            livemode: false,
            subject: "user:lease",
            source: null,
            created: now,
            payload: { id: "evt_lease_test" },
          },
        ],
        now,
      ),
    );
    const dead = await claimDueDelivery(db, {
      now,
      leaseUntil: seconds(now, 60),
      busyEndpoints: [],
    });
    expect(dead).toMatchObject({ eventId: "evt_lease_test", attempts: 1 });
    const during = { now: seconds(now, 30), leaseUntil: seconds(now, 90), busyEndpoints: [] };
    expect(await claimDueDelivery(db, during)).toBeUndefined();

    const later = seconds(now, 61);
    const taken = await claimDueDelivery(db, {
      now: later,
      leaseUntil: seconds(later, 60),
      busyEndpoints: [],
    });
    expect(taken).toMatchObject({ id: dead?.id, attempts: 2 });
    if (!dead || !taken) throw new Error("unreachable");
    // The dead instance's answer arrives late: its fence (attempt 1) no longer holds.
    await recordDeliveryFailure(db, dead, { retryAt: undefined, responseStatus: 500, error: "x" });
    const [inHand] = await listDeliveries(db, { eventId: "evt_lease_test", limit: 1 });
    expect(inHand).toMatchObject({ status: "pending", attempts: 2, lastError: null });
    await recordDelivered(db, taken, { now: later, responseStatus: 204 });
    const [done] = await listDeliveries(db, { eventId: "evt_lease_test", limit: 1 });
    expect(done).toMatchObject({ status: "delivered", lastResponseStatus: 204, lockedUntil: null });
  });
});

describe("two instances on one database", () => {
  const env = { PORTICO_ENCRYPTION_KEY: newEncryptionKey(), OUTBOX_INTERVAL_MS: "20" };
  let one: TestPortico;
  let two: TestPortico;
  const receivers: WebhookReceiver[] = [];
  beforeAll(async () => {
    one = await startTestPortico({ env });
    two = await startTestPortico({ sibling: one, env });
    for (let i = 0; i < 2; i++) {
      const receiver = await startWebhookReceiver();
      receivers.push(receiver);
      await addReceiverEndpoint(one, receiver);
    }
  });
  afterAll(async () => {
    await two?.close();
    await one?.close();
    for (const receiver of receivers) await receiver.close();
  });

  it("dispatches each change once and delivers each event once per endpoint", async () => {
    // Changes made on both instances, dispatched and delivered by whichever claims them.
    for (let i = 0; i < 12; i++) {
      const t = i % 2 === 0 ? one : two;
      await giveCustomer(t, (await signUp(t)).user.id);
    }
    for (const receiver of receivers) {
      await receiver.waitFor((accepted) => accepted.length >= 24);
    }
    await waitForDeliveries(
      one,
      (rows) => rows.length === 48 && rows.every((row) => row.status === "delivered"),
    );
    const stored = await listOutboxEvents(one.portico.database.db, { limit: 100 });
    expect(stored).toHaveLength(24);
    for (const receiver of receivers) {
      const counts = receiver.countsById();
      expect([...counts.keys()].sort()).toEqual(stored.map((row) => row.id).sort());
      expect([...counts.values()].every((count) => count === 1)).toBe(true);
    }
  });
});
