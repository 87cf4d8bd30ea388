import { type SQL, sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEmptyTestDatabase } from "../../test/database.js";
import { toPorticoError } from "../http/errors.js";
import type { Database } from "./client.js";

/**
 * A connection PostgreSQL ends under a transaction (a restart, a failover, a dropped or
 * terminated backend) fails that transaction with a retryable error. pg reports the loss
 * as an `error` event on the client, which nothing listens to while the pool has it checked
 * out: unhandled, it would end the whole process (the test run would report it).
 */
describe("a connection lost under a transaction", () => {
  let database: Database & { url: string };
  beforeAll(async () => {
    database = await openEmptyTestDatabase({ poolSize: 2 });
  });
  afterAll(() => database?.close());

  const terminate = async (pid: number) => {
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      await admin.query("select pg_terminate_backend($1)", [pid]);
    } finally {
      await admin.end();
    }
  };
  // Portico's Db is typed for either driver; on node-postgres a result holds its rows.
  const rows = async (db: Database["db"], query: SQL) =>
    ((await db.execute(query)) as unknown as { rows: Record<string, unknown>[] }).rows;
  const backendPid = async (tx: Database["db"]) =>
    Number((await rows(tx, sql`select pg_backend_pid() as pid`))[0]?.pid);
  const expectRetryable = (error: unknown) => {
    expect(toPorticoError(error).error.code).toBe("SERVICE_UNAVAILABLE");
  };

  it("between two statements: the next one fails, and the database answers again after", async () => {
    const failed = await database.db
      .transaction(async (tx) => {
        await terminate(await backendPid(tx));
        // Let the termination reach the idle, checked-out client before its next statement.
        await new Promise((resolve) => setTimeout(resolve, 300));
        await tx.execute(sql`select 1`);
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failed).toBeDefined();
    expectRetryable(failed);
    expect(await rows(database.db, sql`select 1 as one`)).toEqual([{ one: 1 }]);
  });

  it("during a statement: that statement fails, and the database answers again after", async () => {
    const failed = await database.db
      .transaction(async (tx) => {
        const pid = await backendPid(tx);
        const sleeping = tx.execute(sql`select pg_sleep(30)`);
        setTimeout(() => void terminate(pid), 200);
        await sleeping;
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failed).toBeDefined();
    expectRetryable(failed);
    // Past the socket's end, where pg reports the loss a second time.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await rows(database.db, sql`select 1 as one`)).toEqual([{ one: 1 }]);
  });
});
