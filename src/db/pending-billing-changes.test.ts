import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openMigratedTestDatabase } from "../../test/database.js";
import type { Database } from "./client.js";
import { markBillingChanged } from "./pending-billing-changes.js";
import { pendingBillingChanges, webhookEndpoints } from "./schema.js";

describe("marking billing changes for the outbox", () => {
  let database: Database;
  beforeAll(async () => {
    database = await openMigratedTestDatabase();
  });
  afterAll(() => database.close());
  beforeEach(async () => {
    await database.db.delete(pendingBillingChanges);
    await database.db.delete(webhookEndpoints);
  });

  const mark = (customer: string, listening: boolean) =>
    markBillingChanged(
      database.db,
      [{ stripeCustomerId: customer, livemode: false, source: "evt_1" }],
      listening,
    );
  const marked = () => database.db.select().from(pendingBillingChanges);

  it("marks nothing while nobody listens: no endpoint, no in-process listener", async () => {
    await mark("cus_unheard", false);
    expect(await marked()).toEqual([]);
  });

  it("marks for an in-process listener, and for an endpoint of this database", async () => {
    await mark("cus_listener", true);
    await database.db.insert(webhookEndpoints).values({
      id: "we_1",
      url: "https://app.example.com/hooks",
      events: ["*"],
      secret: "sealed",
    });
    await mark("cus_endpoint", false);
    expect((await marked()).map((row) => row.stripeCustomerId).sort()).toEqual([
      "cus_endpoint",
      "cus_listener",
    ]);
  });

  it("keeps a customer's first mark time when it is marked again", async () => {
    await mark("cus_busy", true);
    const [first] = await marked();
    await sleep(20);
    await markBillingChanged(
      database.db,
      [{ stripeCustomerId: "cus_busy", livemode: false, source: "evt_2" }],
      true,
    );
    const [again] = await marked();
    expect(again?.source).toBe("evt_2");
    expect(again?.markedAt).toEqual(first?.markedAt);
  });
});
