import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMonthlyPrice } from "../../test/emulator-process.js";
import { latestEvent, type SyncedPortico, startSyncedPortico } from "../../test/sync.js";
import { billingSubscriptions, stripeEvents } from "../db/schema.js";
import { insertStripeEvents, listRetryableStripeEvents } from "../db/stripe-events.js";

const waitFor = async <T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe("background retry of failed webhook events", () => {
  let t: SyncedPortico;
  beforeAll(async () => {
    t = await startSyncedPortico({
      env: { WEBHOOK_RETRY_INTERVAL_MS: "100", WEBHOOK_RETRY_BACKOFF_SECONDS: "0.2" },
    });
    // Stripe delivers each event once: recovery must come from Portico's own worker.
    await t.control("webhooks/settings", { max_attempts: 1 });
  });
  afterAll(() => t?.close());

  const readEvent = async (id: string) =>
    (await t.portico.database.db.select().from(stripeEvents).where(eq(stripeEvents.id, id)))[0];

  it("applies a failed event once Stripe is back, without a redelivery", async () => {
    const customer = await t.stripe.test.customers.create({ email: "retry@example.com" });
    const price = await createMonthlyPrice(t.stripe.test, "Plan", 500);
    await t.flush();
    await t.control("faults", { kind: "api_error", method: "GET", path: "/v1/subscriptions/*" });
    const subscription = await t.stripe.test.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      payment_behavior: "default_incomplete",
    });
    await t.flush();
    const event = await latestEvent(t.stripe.test, "customer.subscription.created");
    // The worker keeps failing while Stripe is down: attempts grow, nothing is written.
    const failing = await waitFor(
      () => readEvent(event.id),
      (row) => (row?.attempts ?? 0) >= 3 && row?.status === "failed",
    );
    expect(failing).toMatchObject({ status: "failed", processedAt: null });
    expect(failing?.attempts).toBeGreaterThanOrEqual(3);

    await fetch(`${t.emulatorUrl}/_emulator/faults`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${t.keys.test}` },
    });
    const done = await waitFor(
      () => readEvent(event.id),
      (row) => row?.status === "processed",
    );
    expect(done).toMatchObject({ status: "processed", lastError: null });
    const [mirrored] = await t.portico.database.db
      .select()
      .from(billingSubscriptions)
      .where(eq(billingSubscriptions.stripeSubscriptionId, subscription.id));
    expect(mirrored).toMatchObject({ status: subscription.status, stripeCustomerId: customer.id });
  });
});

describe("which inbox events are due for a retry", () => {
  let t: SyncedPortico;
  beforeAll(async () => {
    t = await startSyncedPortico({ env: { WEBHOOK_RETRY_INTERVAL_MS: "0" } });
  });
  afterAll(() => t?.close());

  it("waits out each event's backoff and lease, and gives up after the last attempt", async () => {
    const { db } = t.portico.database;
    const rows = [
      ["evt_due_fresh_failure", "failed", 1, 5],
      ["evt_due_backed_off", "failed", 1, 11],
      ["evt_due_second_try_early", "failed", 2, 15],
      ["evt_due_second_try", "failed", 2, 21],
      ["evt_due_exhausted", "failed", 5, 100_000],
      ["evt_due_in_hand", "processing", 1, 60],
      ["evt_due_abandoned", "processing", 1, 121],
      ["evt_due_done", "processed", 1, 100_000],
    ] as const;
    for (const [id, status, attempts, secondsAgo] of rows) {
      await insertStripeEvents(db, [
        {
          id,
          type: "customer.updated",
          livemode: false,
          created: new Date(),
          payload: {},
          status: "processing",
        },
      ]);
      await db
        .update(stripeEvents)
        .set({
          status,
          attempts,
          claimedAt: sql`now() - make_interval(secs => ${secondsAgo})`,
          receivedAt: sql`now() - make_interval(secs => ${secondsAgo})`,
        })
        .where(eq(stripeEvents.id, id));
    }
    const due = await listRetryableStripeEvents(db, {
      limit: 100,
      backoffSeconds: 10,
      maxAttempts: 5,
      leaseSeconds: 120,
    });
    expect(due.filter((id) => id.startsWith("evt_due_"))).toEqual([
      "evt_due_abandoned",
      "evt_due_second_try",
      "evt_due_backed_off",
    ]);
  });
});
