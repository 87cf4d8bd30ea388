import { eq, like, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestDatabase,
  openMigratedTestDatabase,
  type TestDatabase,
} from "../../test/database.js";
import { createGroupCommit } from "../group-commit.js";
import { type Database, openDatabase } from "./client.js";
import { stripeEvents } from "./schema.js";
import { isDataError, sqlStateOf } from "./sql-state.js";
import {
  claimStripeEvent,
  completeStripeEvent,
  failStripeEvent,
  insertStripeEvents,
  type NewStripeEvent,
} from "./stripe-events.js";

const LEASE = 120;

describe("the stripe_events inbox", () => {
  let testDatabase: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    database = await openMigratedTestDatabase(testDatabase.url);
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

  /**
   * What PostgreSQL raises for a row it cannot hold: the classification the inbox's group
   * commit relies on to write the rest of the group without it.
   */
  it.each([
    ["a NUL in the payload", { payload: { name: "a\u0000b" } }, "22P05"],
    ["a NUL in a payload key", { payload: { "a\u0000": 1 } }, "22P05"],
    ["an unpaired surrogate in the payload", { payload: { name: "\ud800" } }, "22P02"],
    // The group travels as one JSON document, where a NUL anywhere is json's refusal.
    ["a NUL in the id", { id: "evt_nul\u0000" }, "22P05"],
    ["a time past year 9999", { created: new Date(8.64e15) }, "22009"],
    ["a time before year 1", { created: new Date(-62198755200001) }, "22007"],
  ])("refuses %s as a data error (%s), not an outage", async (_, override, state) => {
    const row = { ...eventRow(`evt_refused_${++sequence}`), ...override };
    const error = await insertStripeEvents(database.db, [row]).catch((caught: unknown) => caught);
    expect(sqlStateOf(error)).toBe(state);
    expect(isDataError(error)).toBe(true);
  });

  it("stores a group around a row the database refuses, and fails that row alone", async () => {
    const rows = Array.from({ length: 30 }, (_, i) => eventRow(`evt_group_${i}`));
    const poison = { ...eventRow("evt_group_poison"), payload: { name: "\u0000" } };
    rows.splice(15, 0, poison);
    const inbox = createGroupCommit<NewStripeEvent, boolean>({
      maxBatch: 500,
      async write(events) {
        const inserted = await insertStripeEvents(database.db, events);
        return events.map((event) => inserted.has(event.id));
      },
      isolate: isDataError,
    });
    const results = await Promise.allSettled(rows.map((row) => inbox.submit(row)));
    for (const [i, result] of results.entries()) {
      if (i === 15) expect(isDataError((result as PromiseRejectedResult).reason)).toBe(true);
      else expect(result, rows[i]?.id).toEqual({ status: "fulfilled", value: true });
    }
    const stored = await database.db
      .select({ id: stripeEvents.id })
      .from(stripeEvents)
      .where(like(stripeEvents.id, "evt_group_%"));
    expect(stored).toHaveLength(30);
  });

  it("does not take a lost connection for a data error", async () => {
    const closed = await openDatabase({ url: testDatabase.url, dataDir: "memory://" });
    await closed.close();
    const error = await insertStripeEvents(closed.db, [eventRow("evt_closed")]).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Error);
    expect(isDataError(error)).toBe(false);
  });
});

function eventRow(id: string): NewStripeEvent {
  return {
    id,
    type: "customer.updated",
    livemode: false,
    created: new Date(1_800_000_000_000),
    payload: { id },
    status: "processing",
  };
}
