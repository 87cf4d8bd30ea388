import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, TEST_ENGINES, type TestDatabase } from "../../test/database.js";
import { type Database, openDatabase } from "./client.js";
import { stripeEvents } from "./schema.js";
import {
  claimStripeEvent,
  completeStripeEvent,
  failStripeEvent,
  insertStripeEvents,
} from "./stripe-events.js";

const LEASE = 120;

describe.each(TEST_ENGINES)("the stripe_events inbox (%s)", (engine) => {
  let testDatabase: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    testDatabase = await createTestDatabase(engine);
    database = await openDatabase({ url: testDatabase.url, dataDir: "memory://" });
    await database.migrate();
  });
  afterAll(async () => {
    await database.close();
    await testDatabase.drop();
  });

  let sequence = 0;
  async function insert(status: "processing" | "ignored" = "processing") {
    const id = `evt_db_${++sequence}`;
    const inserted = await insertStripeEvents(database.db, [
      {
        id,
        type: "customer.updated",
        livemode: false,
        created: new Date(1_800_000_000_000),
        payload: { id },
        status,
      },
    ]);
    return { id, inserted: inserted.has(id) };
  }

  const read = async (id: string) =>
    (await database.db.select().from(stripeEvents).where(eq(stripeEvents.id, id)))[0];

  it("inserts an id once", async () => {
    const { id, inserted } = await insert();
    expect(inserted).toBe(true);
    const copy = {
      id,
      type: "customer.updated",
      livemode: false,
      created: new Date(),
      payload: {},
      status: "processing" as const,
    };
    const fresh = { ...copy, id: `${id}_fresh` };
    // A batch mixing a known id, a new one, and the new one twice (concurrent redeliveries).
    const again = await insertStripeEvents(database.db, [copy, fresh, fresh]);
    expect([...again]).toEqual([fresh.id]);
    expect(await read(id)).toMatchObject({ status: "processing", attempts: 1 });
    expect(await read(fresh.id)).toMatchObject({ status: "processing", attempts: 1 });
  });

  it("lets a redelivery claim a failed event, not a processed or fresh one", async () => {
    const failed = await insert();
    await failStripeEvent(database.db, failed.id, "Error: boom");
    expect(await claimStripeEvent(database.db, failed.id, LEASE)).toMatchObject({
      status: "processing",
      attempts: 2,
      lastError: "Error: boom",
    });

    const done = await insert();
    await completeStripeEvent(database.db, done.id, "processed");
    expect(await claimStripeEvent(database.db, done.id, LEASE)).toBeUndefined();

    const inFlight = await insert();
    expect(await claimStripeEvent(database.db, inFlight.id, LEASE)).toBeUndefined();

    const ignored = await insert("ignored");
    expect(await claimStripeEvent(database.db, ignored.id, LEASE)).toBeUndefined();
    expect(await read(ignored.id)).toMatchObject({ attempts: 0 });
  });

  it("takes over a processing event abandoned longer than the lease", async () => {
    const abandoned = await insert();
    await database.db
      .update(stripeEvents)
      .set({ claimedAt: sql`now() - interval '10 minutes'` })
      .where(eq(stripeEvents.id, abandoned.id));
    expect(await claimStripeEvent(database.db, abandoned.id, LEASE)).toMatchObject({
      attempts: 2,
    });
    // Claimed again just now: a second redelivery backs off.
    expect(await claimStripeEvent(database.db, abandoned.id, LEASE)).toBeUndefined();
  });
});
