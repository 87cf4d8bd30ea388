import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPortico, type TestPortico, uniqueEmail } from "../../test/portico.js";
import type { Db } from "../db/client.js";
import { SESSION_REVOKED_CHANNEL } from "../db/session-revocations.js";
import { PROJECT_HEADER } from "./project-router.js";

const PROJECT = "sessions";

/**
 * A hosted project's sessions are remembered like the server's own: two instances serve
 * the project, each answering a session it saw lately from memory, and a logout on one
 * reaches the other through the notification on the project's own database.
 */
describe("a hosted project's session cache across instances", () => {
  let a: TestPortico;
  let b: TestPortico;
  let projectDb: Db;
  beforeAll(async () => {
    a = await startTestPortico({ projects: true });
    b = await startTestPortico({ sibling: a, projects: true });
    const service = a.portico.projects?.service;
    if (!service) throw new Error("the server hosts no projects");
    await service.create({ id: PROJECT, name: "Sessions" });
    await service.setKeys(PROJECT, { testSecretKey: a.keys.test });
    // Each instance starts the project (and its revocation feed) on its first request.
    for (const instance of [a, b]) {
      const runtime = await instance.portico.projects?.runtimes.get(PROJECT);
      if (!runtime) throw new Error("the project did not start");
      projectDb = runtime.core.database.db;
    }
    for (let waited = 0; (await listening()).length !== 2; waited += 20) {
      if (waited > 5_000) throw new Error("expected a revocation listener per instance");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  afterAll(async () => {
    await b?.stop();
    await a?.close();
  });

  async function listening(): Promise<{ pid: number }[]> {
    const result = (await projectDb.execute(
      sql`select pid from pg_stat_activity where datname = current_database() and query = ${`listen ${SESSION_REVOKED_CHANNEL}`}`,
    )) as unknown as { rows: { pid: number }[] };
    return result.rows;
  }

  async function signUp(t: TestPortico): Promise<string> {
    const response = await fetch(`${t.url}/api/auth/signup`, {
      method: "POST",
      headers: { "content-type": "application/json", [PROJECT_HEADER]: PROJECT },
      body: JSON.stringify({ email: uniqueEmail(), password: "correct horse battery" }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { data: { token: string } }).data.token;
  }

  const me = (t: TestPortico, token: string) =>
    fetch(`${t.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } }).then(
      (response) => response.status,
    );

  it("answers a project session from memory once seen, and a logout elsewhere evicts it", async () => {
    const token = await signUp(a);
    expect(await me(b, token)).toBe(200);
    // Revoked behind Portico's back, with no notification: only memory still vouches for it.
    await projectDb.execute(
      sql`update portico.sessions set revoked_at = now() where token_hash = encode(sha256(${token}::bytea), 'hex')`,
    );
    expect(await me(b, token)).toBe(200);
    expect(await me(a, token)).toBe(401);

    const other = await signUp(a);
    expect(await me(b, other)).toBe(200);
    const logout = await fetch(`${a.url}/api/auth/logout`, {
      method: "POST",
      headers: { authorization: `Bearer ${other}` },
    });
    expect(logout.status).toBe(200);
    // Far less than the 5 s TTL: the notification evicted it, not time.
    await expect.poll(() => me(b, other), { timeout: 1_000, interval: 10 }).toBe(401);
  });
});
