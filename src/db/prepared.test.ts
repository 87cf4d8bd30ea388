import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEmptyTestDatabase } from "../../test/database.js";
import type { Database, Db } from "./client.js";
import { preparedPerDb } from "./prepared.js";

describe("preparedPerDb", () => {
  let database: Database;
  beforeAll(async () => {
    // One connection: every transaction below runs on the same one.
    database = await openEmptyTestDatabase({ poolSize: 1 });
    await database.db.execute(sql`create table items (n int)`);
  });
  afterAll(() => database.close());

  function countingStatement() {
    const built: Db[] = [];
    const statement = preparedPerDb((db) => {
      built.push(db);
      return db.execute.bind(db);
    });
    return { built, statement };
  }

  it("builds once for the database, and once per connection for its transactions", async () => {
    const { built, statement } = countingStatement();
    statement(database.db);
    statement(database.db);
    expect(built).toHaveLength(1);
    await database.db.transaction(async (tx) => void statement(tx));
    await database.db.transaction(async (tx) => void statement(tx));
    expect(built).toHaveLength(2);
  });

  it("runs a statement kept from an earlier transaction inside the current one", async () => {
    const count = preparedPerDb((db) =>
      db.select({ n: sql<number>`count(*)::int` }).from(sql`items`).prepare("count_items"),
    );
    await database.db.transaction(async (tx) => {
      expect(await count(tx).execute()).toEqual([{ n: 0 }]);
    });
    // A later transaction's uncommitted row is seen: the kept statement runs in it.
    await expect(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`insert into items values (1)`);
        expect(await count(tx).execute()).toEqual([{ n: 1 }]);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await count(database.db).execute()).toEqual([{ n: 0 }]);
  });
});
