import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPortico, type TestPortico } from "../../test/portico.js";
import { createTestProject } from "../../test/projects.js";
import { callWithKey, runKeysCli } from "../../test/service-keys.js";
import { listAudit } from "../db/audit-log.js";

describe("portico keys", () => {
  let t: TestPortico;
  beforeAll(async () => {
    t = await startTestPortico();
  });
  afterAll(() => t.close());

  it("creates a key and shows its secret once; the list shows only its prefix", async () => {
    const created = await runKeysCli(t, "create", "--name", "backend", "--scope", "manage");
    expect(created.code).toBe(0);
    const key = /psk_[A-Za-z0-9_-]{43}/.exec(created.out)?.[0];
    expect(key).toBeDefined();
    expect(created.out).toContain("not shown again");

    const table = await runKeysCli(t, "list");
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/backend\s+psk_\S+…\s+read,manage/);
    const json = await runKeysCli(t, "list", "--json");
    const rows = JSON.parse(json.out) as { name: string; prefix: string; scopes: string[] }[];
    expect(rows).toEqual([
      expect.objectContaining({ name: "backend", scopes: ["read", "manage"] }),
    ]);
    for (const output of [table.out, json.out]) expect(output).not.toContain(key);
    expect(key?.startsWith(rows[0]?.prefix ?? "-")).toBe(true);

    // Only the hash is stored.
    const stored = await t.portico.database.db.execute(
      "select token_hash from portico.service_keys",
    );
    expect(JSON.stringify(stored)).not.toContain(key);
  });

  it("defaults to read, refuses a taken name and an unknown scope", async () => {
    const created = await runKeysCli(t, "create", "--name", "reader");
    expect(created.out).toContain("(read)");
    const again = await runKeysCli(t, "create", "--name", "reader");
    expect(again.code).toBe(1);
    expect(again.err).toContain("already named reader");
    const bad = await runKeysCli(t, "create", "--name", "x", "--scope", "admin");
    expect(bad.code).not.toBe(0);
  });

  it("revokes a key by name, audited, and frees the name", async () => {
    await runKeysCli(t, "create", "--name", "old");
    const revoked = await runKeysCli(t, "revoke", "old");
    expect(revoked).toMatchObject({ code: 0, out: "Revoked service key old.\n" });
    const list = await runKeysCli(t, "list", "--json");
    const old = (JSON.parse(list.out) as { name: string; revokedAt: string | null }[]).find(
      (row) => row.name === "old",
    );
    expect(old?.revokedAt).not.toBeNull();
    expect((await runKeysCli(t, "revoke", "old")).code).toBe(1);
    expect((await runKeysCli(t, "create", "--name", "old")).code).toBe(0);
    const audit = await listAudit(t.portico.database.db, { action: "service_key.revoked" });
    expect(audit.map((row) => row.actor)).toContain("key:old");
  });
});

describe("portico keys --project", () => {
  let t: TestPortico;
  let userId: string;
  beforeAll(async () => {
    t = await startTestPortico({ projects: true });
    ({ userId } = await createTestProject(t, "shop", { port: 4301 }));
  });
  afterAll(() => t.close());

  it("keeps a project's keys in the project's database, valid only on calls routed to it", async () => {
    const created = await runKeysCli(t, "create", "--name", "shop-backend", "--project", "shop");
    expect(created.code, created.err).toBe(0);
    expect(created.out).toContain("for project shop");
    expect(created.out).toContain("`Portico-Project: shop`");
    const key = /psk_[A-Za-z0-9_-]{43}/.exec(created.out)?.[0] ?? "";
    const readView = (project?: string) =>
      callWithKey(t, key, `user:${userId}`, "/api/billing/subscription", undefined, project);

    const view = await readView("shop");
    expect(view.status).toBe(200);
    // The server's own keys are another table in another database.
    const serverCall = await readView();
    expect(serverCall.status).toBe(401);
    expect(JSON.parse((await runKeysCli(t, "list", "--json")).out)).toEqual([]);
    const listed = await runKeysCli(t, "list", "--project", "shop");
    expect(listed.out).toMatch(/shop-backend\s+psk_/);

    expect(await runKeysCli(t, "revoke", "shop-backend", "--project", "shop")).toMatchObject({
      code: 0,
    });
    const revoked = await readView("shop");
    expect(revoked.status).toBe(401);
  });

  it("refuses a project that does not exist", async () => {
    const result = await runKeysCli(t, "create", "--name", "x", "--project", "nobody");
    expect(result).toMatchObject({
      code: 1,
      err: 'No project "nobody". `portico projects list` shows them.\n',
    });
  });
});
