import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp, startTestPortico, type TestPortico } from "../../../test/portico.js";
import { SESSION_REVOKED_CHANNEL } from "../../db/session-revocations.js";

/**
 * Two instances on one database, each answering recently seen sessions from memory. A
 * logout on one must reach the other through PostgreSQL's notification, well within the
 * cache's TTL; and an instance that loses that feed must stop answering from memory.
 */
describe("the session cache across instances", () => {
  let a: TestPortico;
  let b: TestPortico;
  beforeAll(async () => {
    a = await startTestPortico();
    b = await startTestPortico({ sibling: a });
    await listeners(2);
  });
  afterAll(async () => {
    await b?.stop();
    await a?.close();
  });

  const me = (t: TestPortico, token: string) =>
    fetch(`${t.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } }).then(
      (response) => response.status,
    );

  /** Waits until the database has `count` connections listening for revocations. */
  async function listeners(count: number) {
    for (let waited = 0; (await listening()).length !== count; waited += 20) {
      if (waited > 5_000) throw new Error(`expected ${count} revocation listeners`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function listening(): Promise<{ pid: number }[]> {
    const result = (await a.portico.database.db.execute(
      sql`select pid from pg_stat_activity where datname = current_database() and query = ${`listen ${SESSION_REVOKED_CHANNEL}`}`,
    )) as unknown as { rows: { pid: number }[] };
    return result.rows;
  }

  /** Revokes in the database behind Portico's back: no notification. */
  const revokeSilently = (token: string) =>
    a.portico.database.db.execute(
      sql`update portico.sessions set revoked_at = now() where token_hash = encode(sha256(${token}::bytea), 'hex')`,
    );

  it("answers a session from memory once seen", async () => {
    const { token } = await signUp(a);
    expect(await me(b, token)).toBe(200);
    await revokeSilently(token);
    // Only memory can still vouch for it: the row says revoked.
    expect(await me(b, token)).toBe(200);
    expect(await me(a, token)).toBe(401);
  });

  it("refuses a session logged out on another instance, within the notification's delay", async () => {
    const { token } = await signUp(a);
    expect(await me(b, token)).toBe(200);
    const logout = await fetch(`${a.url}/api/auth/logout`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(logout.status).toBe(200);
    expect(await me(a, token)).toBe(401);
    // Far less than the 5 s TTL: the notification evicted it, not time.
    await expect.poll(() => me(b, token), { timeout: 1_000, interval: 10 }).toBe(401);
  });

  it("drops what it remembers when its revocation feed is lost", async () => {
    const { token } = await signUp(a);
    expect(await me(b, token)).toBe(200);
    expect(await me(a, token)).toBe(200);
    // Cut both feeds; each instance reconnects.
    const before = (await listening()).map((row) => row.pid);
    await a.portico.database.db.execute(
      sql`select pg_terminate_backend(pid) from pg_stat_activity where pid = any(${sql.param(before)}::int[])`,
    );
    await expect
      .poll(async () => (await listening()).filter((row) => !before.includes(row.pid)).length, {
        timeout: 5_000,
        interval: 20,
      })
      .toBe(2);
    await revokeSilently(token);
    expect(await me(b, token)).toBe(401);
    expect(await me(a, token)).toBe(401);
  });
});
