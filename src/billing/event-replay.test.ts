import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestDatabase,
  openMigratedTestDatabase,
  type TestDatabase,
} from "../../test/database.js";
import type { Database } from "../db/client.js";
import {
  completeStripeEvent,
  failStripeEvent,
  findStripeEvent,
  insertStripeEvents,
} from "../db/stripe-events.js";
import { replayStoredEvent } from "./event-replay.js";

const silent = { warn: () => {} };

describe("replayStoredEvent", () => {
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
  async function failedEvent() {
    const id = `evt_replay_${++sequence}`;
    await insertStripeEvents(database.db, [
      {
        id,
        type: "customer.updated",
        livemode: false,
        created: new Date(),
        payload: { id, type: "customer.updated" },
        status: "processing",
      },
    ]);
    await failStripeEvent(database.db, id, "Error: Stripe was down");
    return id;
  }

  it("applies an event once when two replays race for it", async () => {
    const id = await failedEvent();
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const applied: unknown[] = [];
    const runner = {
      async applyStoredEvent(payload: unknown) {
        applied.push(payload);
        await released;
        await completeStripeEvent(database.db, id, "processed");
        return "applied" as const;
      },
    };
    const deps = { db: database.db, runner, logger: silent };
    const both = [replayStoredEvent(deps, id), replayStoredEvent(deps, id)];
    // The winner holds its claim until released, so the first to answer is the loser.
    const loser = await Promise.race(both);
    expect(loser.status).toBe("skipped");
    expect(loser.error).toMatch(/being applied elsewhere/);
    release();
    const results = await Promise.all(both);
    expect(results.map((result) => result.status).sort()).toEqual(["processed", "skipped"]);
    expect(applied).toEqual([{ id, type: "customer.updated" }]);
    expect(await findStripeEvent(database.db, id)).toMatchObject({
      status: "processed",
      attempts: 2,
      lastError: null,
    });
  });

  it("records a failure with its error, and answers it", async () => {
    const id = await failedEvent();
    const runner = {
      applyStoredEvent: () => Promise.reject(new TypeError("customer has no id")),
    };
    const result = await replayStoredEvent({ db: database.db, runner, logger: silent }, id);
    expect(result).toEqual({ status: "failed", error: "TypeError: customer has no id" });
    expect(await findStripeEvent(database.db, id)).toMatchObject({
      status: "failed",
      attempts: 2,
      lastError: "TypeError: customer has no id",
    });
  });
});
