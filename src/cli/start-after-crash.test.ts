import { afterEach, describe, expect, it } from "vitest";
import { makeDataDir, removeDataDir } from "../../test/data-dir.js";
import { freePort, type QuickStartProcess, startQuickStart } from "./start-test-helpers.js";

const cleanups: (() => unknown)[] = [];
// Last in, first out: the servers stop before their data dir goes.
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Whether anything still answers on the emulator's port. */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1_000) });
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/**
 * `npm start` killed outright (SIGKILL, the OOM killer, a closed IDE) cannot stop what it
 * started. Its emulator must not outlive it on the port the next start needs; the embedded
 * PostgreSQL may, and the next start takes it over.
 */
describe("portico start after the previous one was killed outright", () => {
  it("finds the emulator gone with it, and starts again on the same ports", async () => {
    const dataDir = makeDataDir("portico-after-crash");
    cleanups.push(() => removeDataDir(dataDir));
    const ports = { port: await freePort(), emulatorPort: await freePort() };
    const started: QuickStartProcess[] = [];
    cleanups.push(() => Promise.all(started.map((process) => process.stop())));

    const first = await startQuickStart(dataDir, ports);
    started.push(first);
    expect(await answers(first.emulatorUrl)).toBe(true);
    first.child.kill("SIGKILL");
    await first.exited;
    expect(await waitUntil(async () => !(await answers(first.emulatorUrl)), 10_000)).toBe(true);

    const second = await startQuickStart(dataDir, ports);
    started.push(second);
    const plans = await fetch(`http://127.0.0.1:${ports.port}/api/billing/plans`);
    expect(plans.status).toBe(200);
    expect(await answers(second.emulatorUrl)).toBe(true);
  }, 120_000);
});
