import { inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  postWebhook,
  type SyncedPortico,
  signedEvent,
  startSyncedPortico,
} from "../../../test/sync.js";
import { billingCustomerDetails, stripeEvents } from "../../db/schema.js";

/**
 * With SYNC_SOURCE=payload, concurrent deliveries are stored and applied by one transaction
 * per group. A group must behave like its events one by one: each answer says what
 * happened to that event, and a bad event fails alone.
 */
describe("concurrent deliveries, batched", () => {
  let t: SyncedPortico;
  beforeAll(async () => {
    t = await startSyncedPortico({
      env: { SYNC_SOURCE: "payload", WEBHOOK_RETRY_INTERVAL_MS: "0" },
    });
  });
  afterAll(() => t?.close());

  /** Thirty customers in Stripe, their creation events delivered. */
  async function createCustomers(prefix: string) {
    const customers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        t.stripe.test.customers.create({ email: `${prefix}-${i}@example.com` }),
      ),
    );
    await t.flush();
    return customers;
  }

  /** The names Portico's copy holds for these customers, sorted. */
  async function storedNames(customers: { id: string }[]) {
    const details = await t.portico.database.db
      .select()
      .from(billingCustomerDetails)
      .where(
        inArray(
          billingCustomerDetails.stripeCustomerId,
          customers.map((c) => c.id),
        ),
      );
    return details.map((row) => row.name).sort();
  }

  it("applies every good event once and fails only the bad one", async () => {
    const customers = await createCustomers("batch");
    const created = Math.floor(Date.now() / 1000) + 5;
    const good = customers.map((customer, i) =>
      signedEvent(t.secrets.test, {
        id: `evt_batch_good_${i}`,
        type: "customer.updated",
        created,
        object: { ...customer, name: `Renamed ${i}` },
      }),
    );
    // A subscription event carrying a customer: the handler rejects it.
    const bad = signedEvent(t.secrets.test, {
      id: "evt_batch_bad",
      type: "customer.subscription.updated",
      created,
      object: customers[0] as object,
    });
    const deliveries = [...good, bad, ...good.slice(0, 10)];
    const answers = await Promise.all(
      deliveries.map(async (event) => {
        const response = await postWebhook(t, event.body, event.signature);
        return {
          status: response.status,
          body: (await response.json()) as { data?: { status: string } },
        };
      }),
    );
    expect(answers[good.length]?.status).toBe(500);
    const goodAnswers = answers.filter((_, i) => i !== good.length);
    expect(goodAnswers.every((answer) => answer.status === 200)).toBe(true);
    // Each good event is applied by exactly one of its deliveries.
    expect(goodAnswers.filter((answer) => answer.body.data?.status === "processed")).toHaveLength(
      30,
    );
    expect(goodAnswers.filter((answer) => answer.body.data?.status === "duplicate")).toHaveLength(
      10,
    );

    const { db } = t.portico.database;
    const rows = await db
      .select()
      .from(stripeEvents)
      .where(
        inArray(stripeEvents.id, [...good.map((_, i) => `evt_batch_good_${i}`), "evt_batch_bad"]),
      );
    const withStatus = (status: string) => rows.filter((row) => row.status === status);
    expect(withStatus("processed")).toHaveLength(30);
    expect(withStatus("failed").map((row) => row.id)).toEqual(["evt_batch_bad"]);
    expect(withStatus("failed")[0]?.lastError).toMatch(/carries a customer object/);
    expect(await storedNames(customers)).toEqual(customers.map((_, i) => `Renamed ${i}`).sort());
  });

  it("stores and applies an event PostgreSQL cannot hold as sent, and its group with it", async () => {
    const customers = await createCustomers("poison");
    const created = Math.floor(Date.now() / 1000) + 5;
    const id = (i: number) => `evt_poison_group_${i}`;
    const poisonAt = 15;
    // One in the middle carries what jsonb refuses: a NUL in a value and in a key, and an
    // unpaired surrogate. JSON.stringify writes them as \u0000 and \ud800, as Stripe would.
    const events = customers.map((customer, i) =>
      signedEvent(t.secrets.test, {
        id: id(i),
        type: "customer.updated",
        created,
        object:
          i === poisonAt
            ? { ...customer, name: "Nul\u0000Name", metadata: { "k\u0000": "lone \ud800" } }
            : { ...customer, name: `Grouped ${i}` },
      }),
    );
    const answers = await Promise.all(
      events.map(async (event) => {
        const response = await postWebhook(t, event.body, event.signature);
        return { status: response.status, body: (await response.json()) as unknown };
      }),
    );
    for (const [i, answer] of answers.entries()) {
      expect(answer, `delivery ${i}`).toEqual({
        status: 200,
        body: { success: true, data: { eventId: id(i), status: "processed" } },
      });
    }

    const { db } = t.portico.database;
    const rows = await db
      .select()
      .from(stripeEvents)
      .where(
        inArray(
          stripeEvents.id,
          events.map((_, i) => id(i)),
        ),
      );
    expect(rows.map((row) => row.status)).toEqual(Array(30).fill("processed"));
    // What PostgreSQL cannot hold is stored as U+FFFD, the Unicode replacement character.
    const poison = rows.find((row) => row.id === id(poisonAt))?.payload as {
      data: { object: { name: string; metadata: Record<string, string> } };
    };
    expect(poison.data.object.name).toBe("Nul\uFFFDName");
    expect(poison.data.object.metadata).toEqual({ "k\uFFFD": "lone \uFFFD" });
    expect(await storedNames(customers)).toEqual(
      customers.map((_, i) => (i === poisonAt ? "Nul\uFFFDName" : `Grouped ${i}`)).sort(),
    );
  });
});
