import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestDatabase,
  openMigratedTestDatabase,
  type TestDatabase,
} from "../../../test/database.js";
import type { Database } from "../../db/client.js";
import { readSyncVersion } from "../../db/sync-versions.js";
import { PorticoError } from "../../errors.js";
import type { SyncCalls } from "../../stripe/sync-calls.js";
import type { SubscriptionSnapshot } from "../../stripe/sync-types.js";
import { createReadFirstRunner, noStripeReads } from "./read-first.js";

/** Stripe as far as these tests need it: a subscription read that says how many times it ran. */
function scriptedStripe(onRead: (reads: number) => Promise<void> = async () => {}) {
  let reads = 0;
  const stripe = {
    async fetchSubscription(id: string) {
      reads++;
      await onRead(reads);
      return { id, status: `read-${reads}` } as unknown as SubscriptionSnapshot;
    },
  } as SyncCalls;
  return { stripe, reads: () => reads };
}

describe("read-first sync work", () => {
  let testDatabase: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    database = await openMigratedTestDatabase(testDatabase.url, { poolSize: 2 });
  });
  afterAll(async () => {
    await database.close();
    await testDatabase.drop();
  });

  it("reads Stripe with no transaction open, then writes with the read", async () => {
    const runner = createReadFirstRunner(database.db);
    // While Stripe answers, the database serves others: with a pool of two, a transaction
    // held across the read would leave one connection for this query and everyone else.
    const { stripe, reads } = scriptedStripe(async () => {
      await database.db.execute(sql`select 1`);
    });
    const result = await runner.run("cus_read_first", stripe, async (_tx, calls) => {
      const subscription = await calls.fetchSubscription("sub_1");
      return subscription?.status;
    });
    expect(result).toBe("read-1");
    expect(reads()).toBe(1);
    expect(await readSyncVersion(database.db, "cus_read_first")).toBe(1);
  });

  it("reads again when another write for the customer lands during the read", async () => {
    const runner = createReadFirstRunner(database.db);
    const other = createReadFirstRunner(database.db);
    const { stripe, reads } = scriptedStripe(async (count) => {
      // Another instance writes for the same customer while the first read is in flight.
      if (count === 1) await other.run("cus_raced", noStripeReads, async () => "written");
    });
    const result = await runner.run("cus_raced", stripe, async (_tx, calls) => {
      return (await calls.fetchSubscription("sub_2"))?.status;
    });
    // The first read may predate the other write: only the read made after it is used.
    expect(result).toBe("read-2");
    expect(reads()).toBe(2);
    expect(await readSyncVersion(database.db, "cus_raced")).toBe(2);
  });

  it("takes turns on one key and rolls a round back when it needs a read", async () => {
    const runner = createReadFirstRunner(database.db);
    const order: string[] = [];
    const { stripe } = scriptedStripe(async () => {
      order.push("read");
    });
    await Promise.all([
      runner.run("cus_turns", stripe, async (tx, calls) => {
        await tx.execute(sql`select 1`);
        order.push("first round");
        await calls.fetchSubscription("sub_3");
        order.push("first done");
      }),
      runner.run("cus_turns", noStripeReads, async () => {
        order.push("second");
      }),
    ]);
    expect(order).toEqual(["first round", "read", "first round", "first done", "second"]);
  });

  it("gives up with a retryable error when every read is overtaken", async () => {
    const runner = createReadFirstRunner(database.db);
    const other = createReadFirstRunner(database.db);
    const { stripe } = scriptedStripe(async () => {
      await other.run("cus_busy", noStripeReads, async () => undefined);
    });
    const failure = await runner
      .run("cus_busy", stripe, (_tx, calls) => calls.fetchSubscription("sub_4"))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PorticoError);
    expect((failure as PorticoError).code).toBe("SERVICE_UNAVAILABLE");
    expect((failure as PorticoError).retryAfter).toBeGreaterThan(0);
  });

  it("fails work that reads Stripe inside a batch transaction", async () => {
    await expect(noStripeReads.fetchCustomer("cus_x")).rejects.toThrow(/Stripe reads first/);
  });
});
