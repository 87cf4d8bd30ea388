import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { porticoCommand } from "../../test/cli-process.js";
import { makeDataDir, removeDataDir } from "../../test/data-dir.js";
import { loadConfig } from "../config.js";
import {
  type QuickStartRecord,
  quickStartRecordFile,
  readQuickStartRecord,
  useRecordedEmulator,
  useRecordedEmulatorBase,
  writeQuickStartRecord,
} from "./quick-start-record.js";
import { type QuickStartProcess, REPO_ROOT, startQuickStart } from "./start-test-helpers.js";

/**
 * The CLI beside `npm start` (issue 18): one real `portico start` with no Stripe key on a
 * temp data dir, and each command run as its own process with no environment but the data
 * dir, as someone types it in the quick-start folder.
 */

interface Ran {
  code: number | null;
  out: string;
  err: string;
}

/** `portico <args>` with nothing in its environment but PATH and the data dir. */
function portico(dataDir: string, args: string[]): Promise<Ran> {
  const child = spawn(...porticoCommand(...args), {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, PORTICO_DATA_DIR: dataDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, out, err })));
}

describe("the CLI beside a running `portico start` (embedded emulator and database)", () => {
  const dataDir = makeDataDir("portico-quick-start");
  let server: QuickStartProcess;
  let record: QuickStartRecord;

  beforeAll(async () => {
    server = await startQuickStart(dataDir);
    const found = readQuickStartRecord(dataDir);
    if (!found) throw new Error(`no record in ${dataDir}:\n${server.output()}`);
    record = found;
  });

  afterAll(async () => {
    await server?.stop();
    removeDataDir(dataDir);
  });

  it("records its URL and the emulator's URL and test key, mode 0600", async () => {
    expect(statSync(quickStartRecordFile(dataDir)).mode & 0o777).toBe(0o600);
    expect(record.emulator?.key).toMatch(/^sk_test_/);
    expect(record.serverUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${record.serverUrl}/healthz`)).status).toBe(200);
  });

  it("stripe plan uses the recorded emulator and says so", async () => {
    const ran = await portico(dataDir, ["stripe", "plan"]);
    expect(ran.code, ran.err).toBe(0);
    expect(ran.err).toContain(
      `Using the quick start's emulator at ${record.emulator?.url} (recorded by \`npm start\`)`,
    );
    // The server applied the billing file to its emulator at start: nothing left to do.
    expect(ran.out).toContain("No changes. Stripe test mode matches");
  });

  it("sync --dry-run compares the emulator with the server's database", async () => {
    const ran = await portico(dataDir, ["sync", "--dry-run", "--json"]);
    expect(ran.code, ran.err).toBe(0);
    const result = JSON.parse(ran.out) as {
      dryRun: boolean;
      changes: unknown[];
      phases: Record<string, { objects: number }>;
    };
    expect(result.dryRun).toBe(true);
    // The demo customer the server seeded is in the database, so nothing differs.
    expect(result.changes).toEqual([]);
    expect(result.phases.customers?.objects).toBeGreaterThan(0);
  });

  it("events list and show read the server's inbox", async () => {
    const list = await portico(dataDir, ["events", "list", "--json"]);
    expect(list.code, list.err).toBe(0);
    const events = JSON.parse(list.out) as { id: string; type: string }[];
    // The demo seed's customer, delivered by the emulator to the running server.
    const created = events.find((event) => event.type === "customer.created");
    expect(created).toBeDefined();
    const show = await portico(dataDir, ["events", "show", created?.id ?? "", "--json"]);
    expect(show.code, show.err).toBe(0);
    expect(show.out).toContain(created?.id);
  });

  it("doctor checks the server's database and the emulator's key", async () => {
    const ran = await portico(dataDir, ["doctor", "--json"]);
    const { checks } = JSON.parse(ran.out) as {
      checks: { name: string; status: string; message: string }[];
    };
    const byName = new Map(checks.map((check) => [check.name, check]));
    expect(byName.get("database")).toMatchObject({ status: "pass" });
    expect(byName.get("migrations")).toMatchObject({ status: "pass" });
    expect(byName.get("webhook_inbox")).toMatchObject({ status: "pass" });
    expect(byName.get("outgoing_webhooks")).toMatchObject({ status: "pass" });
    expect(byName.get("stripe_test_key")).toMatchObject({ status: "pass" });
    expect(byName.get("stripe_test_prices")).toMatchObject({ status: "pass" });
    expect(byName.get("stripe_test_webhook_secret")).toMatchObject({ status: "pass" });
    // The emulator delivers to the server's own address, which is what doctor checks there.
    expect(byName.get("stripe_test_webhook_endpoint")).toMatchObject({ status: "pass" });
  });

  it("a writing command shares the running server's database", async () => {
    const ran = await portico(dataDir, ["events", "replay", "--failed"]);
    expect(ran.code, ran.err).toBe(0);
    // The server keeps its database: the command only borrowed it.
    expect((await fetch(`${record.serverUrl}/readyz`)).status).toBe(200);
  });

  it("once the server stops, the record is gone and the commands say how to get a key", async () => {
    server.child.kill("SIGTERM");
    await server.exited;
    expect(existsSync(quickStartRecordFile(dataDir))).toBe(false);
    // It stopped its embedded PostgreSQL too.
    expect(existsSync(join(dataDir, "postgres", "postmaster.pid"))).toBe(false);
    const [plan, sync, list] = await Promise.all([
      portico(dataDir, ["stripe", "plan"]),
      portico(dataDir, ["sync", "--dry-run"]),
      portico(dataDir, ["events", "list", "--json"]),
    ]);
    const hint =
      "or run `npm start` in this folder first: the CLI then uses the emulator it starts";
    expect(plan.code).toBe(1);
    expect(plan.err).toContain("No Stripe key is configured for test mode");
    expect(plan.err).toContain(hint);
    expect(sync.code).toBe(1);
    expect(sync.err).toContain(hint);
    // With no server, the CLI starts the embedded database for itself, and stops it after.
    expect(list.code, list.err).toBe(0);
    expect(JSON.parse(list.out)).not.toEqual([]);
    expect(existsSync(join(dataDir, "postgres", "postmaster.pid"))).toBe(false);
  });
});

describe("useRecordedEmulator", () => {
  const dataDir = "memory://";
  it("leaves a configured key alone and says nothing", () => {
    const config = loadConfig({
      STRIPE_TEST_SECRET_KEY: "sk_test_mine",
      PORTICO_DATA_DIR: dataDir,
    });
    const notes: string[] = [];
    expect(useRecordedEmulator(config, (text) => notes.push(text))).toBe(config);
    expect(notes).toEqual([]);
  });
});

describe("useRecordedEmulatorBase", () => {
  it("points a project's keys at the quick start's emulator, unless Stripe is configured", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "portico-record-"));
    try {
      await writeQuickStartRecord(dataDir, {
        serverUrl: "http://127.0.0.1:3000",
        emulator: { url: "http://127.0.0.1:12111", key: "sk_test_porticoEmbedded" },
      });
      const notes: string[] = [];
      const bare = loadConfig({ PORTICO_DATA_DIR: dataDir });
      const used = useRecordedEmulatorBase(bare, (text) => notes.push(text));
      // The base only: the project's own keys are what the command uses.
      expect(used.stripe).toMatchObject({ apiBase: "http://127.0.0.1:12111", keys: {} });
      expect(notes.join("")).toMatch(/quick start's emulator at http:\/\/127\.0\.0\.1:12111/);
      const real = loadConfig({ PORTICO_DATA_DIR: dataDir, STRIPE_TEST_SECRET_KEY: "sk_test_x" });
      expect(useRecordedEmulatorBase(real, () => {})).toBe(real);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
