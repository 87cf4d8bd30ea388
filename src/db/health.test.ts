import { describe, expect, it } from "vitest";
import { openEmptyTestDatabase } from "../../test/database.js";
import { pingDatabase, readMigrationJournal, readMigrationStatus } from "./health.js";

describe("database health", () => {
  it("reports every shipped migration as pending before migrate, none after", async () => {
    const database = await openEmptyTestDatabase();
    try {
      await pingDatabase(database.db);
      const journal = readMigrationJournal();
      expect(journal.length).toBeGreaterThan(0);
      expect(await readMigrationStatus(database.db)).toEqual({
        applied: 0,
        pending: journal.map((entry) => entry.tag),
      });
      await database.migrate();
      expect(await readMigrationStatus(database.db)).toEqual({
        applied: journal.length,
        pending: [],
      });
      // A newer build's journal: its extra migration is pending on this database.
      const newer = [...journal, { tag: "9999_next", when: Date.now() + 60_000 }];
      expect((await readMigrationStatus(database.db, newer)).pending).toEqual(["9999_next"]);
    } finally {
      await database.close();
    }
  });

  it("fails the ping once the database is gone", async () => {
    const database = await openEmptyTestDatabase();
    await database.close();
    await expect(pingDatabase(database.db)).rejects.toThrow();
  });
});
