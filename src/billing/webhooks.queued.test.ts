import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openMigratedTestDatabase } from "../../test/database.js";
import { payloadSyncRunner } from "../../test/payload-runner.js";
import { signedEvent } from "../../test/signed-event.js";
import type { Database } from "../db/client.js";
import { billingCustomerDetails, stripeEvents } from "../db/schema.js";
import { listRetryableStripeEvents } from "../db/stripe-events.js";
import type { WebhookEventOutcome } from "../metrics.js";
import type { SyncRunner } from "./sync/sync-runner.js";
import { createWebhookService, type WebhookService } from "./webhooks.js";

const SECRET = "whsec_queued_test";
const CREATED = 1_800_000_000;

/**
 * With SYNC_SOURCE=payload and the retry worker on, a delivery that arrives while the apply
 * transaction is busy is answered `queued` once stored, and applied behind its answer. Here
 * the apply transactions wait on a gate the test opens, so "busy" is certain, not timing.
 */
describe("webhooks answered once stored (queued)", () => {
  let database: Database;
  beforeAll(async () => {
    database = await openMigratedTestDatabase();
  });
  afterAll(() => database.close());

  function service(retryIntervalMs = 10_000) {
    const runner = payloadSyncRunner(database.db);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let groups = 0;
    const gated: Pick<SyncRunner, "applyStoredEvent" | "applyEvents"> = {
      applyStoredEvent: runner.applyStoredEvent,
      async applyEvents(events, store) {
        groups++;
        await gate;
        return runner.applyEvents(events, store);
      },
    };
    const outcomes: [string, WebhookEventOutcome][] = [];
    const webhooks = createWebhookService({
      db: database.db,
      runner: gated,
      config: {
        stripe: { webhookSecrets: { test: [SECRET], live: [] } },
        sync: {
          source: "payload",
          retry: { intervalMs: retryIntervalMs, backoffSeconds: 1, maxAttempts: 3 },
        },
      },
      metrics: { webhookEvent: (type, outcome) => outcomes.push([type, outcome]) },
      logger: { warn() {} },
    });
    return { webhooks, open, groups: () => groups, outcomes };
  }

  const customerEvent = (id: string, customer: string, name: string) =>
    signedEvent(SECRET, {
      id,
      type: "customer.updated",
      created: CREATED,
      object: { id: customer, object: "customer", livemode: false, email: null, name },
    });

  const deliver = (webhooks: WebhookService, event: { body: string; signature: string }) =>
    webhooks.receiveWebhook(event.body, event.signature);

  /**
   * Deliveries holding every apply transaction at the gate (one while deliveries may be
   * queued, else two): submitted a turn apart, so that each starts a transaction of its own.
   */
  async function occupyTransactions(s: ReturnType<typeof service>, prefix: string, count: number) {
    const held = [];
    for (let i = 1; i <= count; i++) {
      const event = customerEvent(`evt_${prefix}_held_${i}`, `cus_${prefix}_${i}`, "Held");
      held.push(deliver(s.webhooks, event));
      while (s.groups() < i) await new Promise((resolve) => setImmediate(resolve));
    }
    return held;
  }

  /** Checks that `answer` is still pending 200 ms on; hands it back (wrapped), to await later. */
  async function expectUnanswered<T>(answer: Promise<T>): Promise<{ answer: Promise<T> }> {
    let answered = false;
    void answer.then(() => {
      answered = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(answered).toBe(false);
    return { answer };
  }

  const rowsOf = (ids: string[]) =>
    database.db.select().from(stripeEvents).where(inArray(stripeEvents.id, ids));

  it("answers a delivery queued once stored, then applies it once", async () => {
    const s = service();
    const [held] = await occupyTransactions(s, "q", 1);

    const queued = customerEvent("evt_q_1", "cus_q_3", "Queued");
    // Answered while the transaction still waits at the gate.
    expect(await deliver(s.webhooks, queued)).toEqual({ eventId: "evt_q_1", status: "queued" });
    const [stored] = await rowsOf(["evt_q_1"]);
    expect(stored).toMatchObject({ status: "processing", attempts: 1 });
    expect(stored?.claimedAt).toBeInstanceOf(Date);
    // Were this instance to stop here, the retry worker would take the event over after
    // the lease (0 s here).
    expect(
      await listRetryableStripeEvents(database.db, {
        limit: 10,
        backoffSeconds: 1,
        maxAttempts: 3,
        leaseSeconds: 0,
      }),
    ).toContain("evt_q_1");
    // A redelivery meanwhile is a duplicate: the event is in hand.
    expect(await deliver(s.webhooks, queued)).toEqual({ eventId: "evt_q_1", status: "duplicate" });

    s.open();
    await expect(held).resolves.toEqual({ eventId: "evt_q_held_1", status: "processed" });
    await s.webhooks.settled();
    const [applied] = await rowsOf(["evt_q_1"]);
    expect(applied).toMatchObject({ status: "processed", attempts: 1, lastError: null });
    const [details] = await database.db
      .select()
      .from(billingCustomerDetails)
      .where(eq(billingCustomerDetails.stripeCustomerId, "cus_q_3"));
    expect(details?.name).toBe("Queued");
    expect(s.outcomes.filter(([, outcome]) => outcome === "processed")).toHaveLength(2);
  });

  it("records a queued event that cannot be applied as failed, for a retry", async () => {
    const s = service();
    const held = await occupyTransactions(s, "f", 1);
    // A subscription event carrying a customer: its handler refuses it.
    const bad = signedEvent(SECRET, {
      id: "evt_f_bad",
      type: "customer.subscription.updated",
      created: CREATED,
      object: { id: "cus_f_bad", object: "customer", livemode: false },
    });
    expect(await deliver(s.webhooks, bad)).toEqual({ eventId: "evt_f_bad", status: "queued" });
    s.open();
    await Promise.all(held);
    await s.webhooks.settled();
    const [failed] = await rowsOf(["evt_f_bad"]);
    expect(failed?.status).toBe("failed");
    expect(failed?.lastError).toMatch(/carries a customer object/);
    expect(s.outcomes).toContainEqual(["customer.subscription.updated", "failed"]);
  });

  it("never answers before the apply while the retry worker is off", async () => {
    // Stripe's redelivery is then the only recovery, and it needs a failure answered 5xx.
    const s = service(0);
    // Two transactions at a time then; both held.
    const held = await occupyTransactions(s, "off", 2);
    const waiting = await expectUnanswered(
      deliver(s.webhooks, customerEvent("evt_off_1", "cus_off_3", "Off")),
    );
    s.open();
    await expect(waiting.answer).resolves.toEqual({ eventId: "evt_off_1", status: "processed" });
    await Promise.all(held);
  });

  it("makes a delivery wait for its apply again once 1,000 are queued", async () => {
    const s = service();
    const held = await occupyTransactions(s, "m", 1);
    const queued = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) =>
        deliver(s.webhooks, customerEvent(`evt_m_${i}`, `cus_m_q_${i}`, `Queued ${i}`)),
      ),
    );
    expect(queued.every((answer) => answer.status === "queued")).toBe(true);

    // Past the limit: stored and applied with a group, so not answered while it waits.
    const waiting = await expectUnanswered(
      deliver(s.webhooks, customerEvent("evt_m_over", "cus_m_over", "Over")),
    );
    s.open();
    await expect(waiting.answer).resolves.toEqual({
      eventId: "evt_m_over",
      status: "processed",
    });
    await Promise.all(held);
    await s.webhooks.settled();
    const rows = await rowsOf(queued.map((answer) => answer.eventId));
    expect(rows.filter((row) => row.status === "processed" && row.attempts === 1)).toHaveLength(
      1_000,
    );
  });
});
