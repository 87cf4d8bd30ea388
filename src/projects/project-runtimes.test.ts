import { sql } from "drizzle-orm";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openMigratedTestDatabase } from "../../test/database.js";
import { loadConfig } from "../config.js";
import type { Database } from "../db/client.js";
import { SESSION_REVOKED_CHANNEL } from "../db/session-revocations.js";
import { type BuildProjectApp, createProjectRuntimes } from "./project-runtimes.js";
import type { ProjectSettings } from "./project-service.js";

const SETTINGS: ProjectSettings = {
  id: "broken",
  updatedAt: new Date(),
  returnOrigins: [],
  billing: null,
  rateLimits: {},
  credentials: { keys: {}, webhookSecrets: { test: [], live: [] }, jwt: undefined },
};

/**
 * A project whose app cannot be built is not served, and leaves nothing open behind it:
 * neither its database nor the connection that listens for its revoked sessions. The next
 * request tries again from scratch.
 */
describe("a project whose start fails", () => {
  let database: Database & { url: string };
  beforeAll(async () => {
    database = await openMigratedTestDatabase();
  });
  afterAll(() => database?.close());

  const listeners = async () =>
    (
      (await database.db.execute(
        sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and query = ${`listen ${SESSION_REVOKED_CHANNEL}`}`,
      )) as unknown as { rows: { n: number }[] }
    ).rows[0]?.n;

  it("answers 503, closes what it opened, and starts afresh on the next request", async () => {
    let opened = 0;
    let closed = 0;
    const build: BuildProjectApp = () => {
      throw new Error("cannot build the app");
    };
    const runtimes = createProjectRuntimes({
      projects: {
        settings: async () => SETTINGS,
        version: async () => SETTINGS.updatedAt,
      } as never,
      databases: {
        open: async () => {
          opened++;
          // Another handle on the suite's database, so the feed has a real URL to listen on.
          return {
            ...database,
            close: async () => {
              closed++;
            },
          };
        },
      } as never,
      serverConfig: loadConfig({ NODE_ENV: "test", PORTICO_DATA_DIR: "memory://" }),
      logger: pino({ level: "silent" }),
      build,
    });
    for (const attempt of [1, 2]) {
      await expect(runtimes.get("broken")).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
      expect({ opened, closed }).toEqual({ opened: attempt, closed: attempt });
    }
    await expect.poll(listeners, { timeout: 5_000, interval: 20 }).toBe(0);
    await runtimes.close(async () => {});
  });

  it("closes the database its running copy used when the rebuild after a change fails", async () => {
    let closed = 0;
    let builds = 0;
    let updatedAt = new Date(1_000);
    let drained: (() => void) | undefined;
    const build: BuildProjectApp = () => {
      builds++;
      if (builds > 1) throw new Error("the new settings cannot be built");
      const core = {
        start() {},
        // The old core takes a while to finish what it holds.
        stop: () => new Promise<void>((resolve) => (drained = resolve)),
      };
      return { core: core as never, app: { fetch: () => new Response("ok") } };
    };
    const runtimes = createProjectRuntimes({
      projects: {
        settings: async () => ({ ...SETTINGS, updatedAt }),
        version: async () => updatedAt,
      } as never,
      databases: {
        open: async () => ({ ...database, url: undefined, close: async () => void closed++ }),
      } as never,
      serverConfig: loadConfig({ NODE_ENV: "test", PORTICO_DATA_DIR: "memory://" }),
      logger: pino({ level: "silent" }),
      build,
      refreshMs: 0,
    });
    expect(await runtimes.get("broken")).toBeDefined();
    updatedAt = new Date(2_000);
    await expect(runtimes.get("broken")).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    // Not under the old core while it drains; once it has, the database goes.
    expect(closed).toBe(0);
    drained?.();
    await expect.poll(() => closed, { timeout: 1_000, interval: 10 }).toBe(1);
    await runtimes.close(async () => {});
  });
});
