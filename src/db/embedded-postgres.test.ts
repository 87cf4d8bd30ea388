import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { makeDataDir, removeDataDir } from "../../test/data-dir.js";
import { openEmbeddedPostgres } from "./embedded-postgres.js";

async function query(url: string, text: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

const running = (dataDir: string) => existsSync(join(dataDir, "postgres", "postmaster.pid"));

describe("the embedded PostgreSQL", () => {
  const dataDir = makeDataDir("portico-embedded-postgres");
  afterAll(() => removeDataDir(dataDir));

  it("is made on first use, shared by a second opener, and stopped by its owner once alone", async () => {
    const first = await openEmbeddedPostgres(dataDir);
    const second = await openEmbeddedPostgres(dataDir);
    expect(second.url).toBe(first.url);
    expect(new URL(first.url).hostname).toBe("127.0.0.1");
    await query(first.url, "create table kept (value text); insert into kept values ('here')");

    // The owner closes while someone else is still connected: the server stays up for them.
    const held = new pg.Client({ connectionString: second.url });
    await held.connect();
    await first.close();
    expect(running(dataDir)).toBe(true);
    expect((await held.query("select value from kept")).rows).toEqual([{ value: "here" }]);
    await held.end();
    // The last one out stops it.
    await second.close();
    expect(running(dataDir)).toBe(false);

    const again = await openEmbeddedPostgres(dataDir);
    expect(await query(again.url, "select value from kept")).toEqual([{ value: "here" }]);
    await again.close();
    expect(running(dataDir)).toBe(false);
  });

  it("adopts a server whose owner died, and stops it at close", async () => {
    const orphaned = await openEmbeddedPostgres(dataDir);
    // As if the process that started it had been killed: its pid names nobody now.
    const dead = spawnSync("true").pid;
    writeFileSync(join(dataDir, "postgres.owner"), String(dead));
    const adopter = await openEmbeddedPostgres(dataDir);
    expect(adopter.url).toBe(orphaned.url);
    await adopter.close();
    expect(running(dataDir)).toBe(false);
  });

  it("keeps its password out of the processes' environment and off their command lines", async () => {
    process.env.STRIPE_SECRET_KEY = "sk_test_canaryNeverInPostgres";
    const server = await openEmbeddedPostgres(dataDir);
    delete process.env.STRIPE_SECRET_KEY;
    try {
      const password = decodeURIComponent(new URL(server.url).password);
      const master = readFileSync(join(dataDir, "postgres", "postmaster.pid"), "utf8").split(
        "\n",
      )[0];
      const cmdline = readFileSync(`/proc/${master}/cmdline`, "utf8");
      expect(cmdline).toContain("postgres");
      expect(cmdline).not.toContain(password);
      const environ = readFileSync(`/proc/${master}/environ`, "utf8");
      expect(environ).toContain("LC_ALL=C");
      expect(environ).not.toContain("canaryNeverInPostgres");
    } finally {
      await server.close();
    }
  });
});
