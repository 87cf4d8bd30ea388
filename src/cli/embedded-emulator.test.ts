import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeDataDir, removeDataDir } from "../../test/data-dir.js";
import { startQuickStart } from "./start-test-helpers.js";

/** `portico start` without a Stripe key, as `npm start` runs it: Portico and its own emulator. */

/** The key `portico start` uses against its embedded emulator (src/cli/start.ts). */
const EMBEDDED_KEY = "sk_test_porticoEmbedded";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Every process below `pid`, from /proc: the emulator is Portico's child. */
function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // `pid (comm) state ppid …`; comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const [child, ppid] of parents) {
      if (ppid === parent && !found.includes(child)) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

const commandLine = (pid: number) =>
  readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");

async function startPortico(dataDir: string) {
  const portico = await startQuickStart(dataDir);
  cleanups.push(portico.stop);
  return portico;
}

async function emulatorControl(emulatorUrl: string, method: string, path: string) {
  const response = await fetch(new URL(path, emulatorUrl), {
    method,
    headers: { authorization: `Bearer ${EMBEDDED_KEY}` },
  });
  expect(response.status).toBe(200);
  return response.json() as Promise<unknown>;
}

describe("portico start with the embedded emulator", () => {
  it("keeps the webhook secret off every command line, and webhooks still verify", async () => {
    const dataDir = makeDataDir("portico-embedded");
    cleanups.push(() => removeDataDir(dataDir));
    const portico = await startPortico(dataDir);
    const secret = readFileSync(join(dataDir, "emulator-webhook-secret"), "utf8").trim();
    expect(secret).toMatch(/^whsec_/);

    const pids = [portico.child.pid ?? 0, ...descendantsOf(portico.child.pid ?? 0)];
    const lines = pids.map(commandLine);
    // The compiled CLI runs the compiled emulator.
    expect(lines.some((line) => line.includes("emulator/dist/main.js"))).toBe(true);
    for (const line of lines) {
      expect(line).not.toContain("whsec_");
      expect(line).not.toContain(secret);
    }
    expect(portico.output()).not.toContain(secret);

    // The emulator signed the demo seed's events with the file's secret: Portico took them
    // all. (Those sent while Portico was still seeding, before it listened, were retried.)
    await emulatorControl(
      portico.emulatorUrl,
      "POST",
      "/_emulator/webhooks/flush?timeout_ms=30000",
    );
    const log = (await emulatorControl(
      portico.emulatorUrl,
      "GET",
      "/_emulator/webhooks/deliveries",
    )) as { data: { event: string; status: number | null; error: string | null }[] };
    const events = new Set(log.data.map((attempt) => attempt.event));
    const accepted = new Set(log.data.filter((a) => a.status === 200).map((a) => a.event));
    expect(events.size).toBeGreaterThan(0);
    expect(accepted).toEqual(events);
    expect(log.data.filter((attempt) => attempt.status !== 200 && attempt.status !== null)).toEqual(
      [],
    );
  });
});
