import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openCliDatabase } from "./open-cli-database.js";

describe("openCliDatabase", () => {
  const dirs: string[] = [];
  const settings = async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "portico-cli-db-"));
    dirs.push(dataDir);
    return { databaseUrl: undefined, dataDir, host: "0.0.0.0", port: 3999 };
  };
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it("refuses an embedded database a running server holds", async () => {
    const asked: string[] = [];
    const running = async (input: string | URL | Request) => {
      asked.push(String(input));
      return Response.json({ status: "ok" });
    };
    const config = await settings();
    await expect(
      openCliDatabase(
        config,
        { readOnly: false, command: "portico events replay" },
        running as typeof fetch,
      ),
    ).rejects.toThrow(
      `The Portico server at http://127.0.0.1:3999 holds the embedded database in ${config.dataDir}, and \`portico events replay\` writes to it`,
    );
    expect(asked).toEqual(["http://127.0.0.1:3999/healthz"]);
  });

  it("opens it when nothing answers", async () => {
    const down = async () => {
      throw new TypeError("fetch failed");
    };
    const database = await openCliDatabase(
      await settings(),
      { readOnly: true, command: "portico events list" },
      down as typeof fetch,
    );
    try {
      expect(database.engine).toBe("pglite");
    } finally {
      await database.close();
    }
  });
});
