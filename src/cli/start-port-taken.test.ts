import type { ChildProcessByStdio } from "node:child_process";
import { createServer, type Socket } from "node:net";
import type { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { embeddedPostmasterPid, makeDataDir, removeDataDir } from "../../test/data-dir.js";
import { freePort, spawnQuickStart } from "./start-test-helpers.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/**
 * A server on `port` that never answers, or a rejection when the port is taken. `close()`
 * also drops its connections: the emulator delivers webhooks to Portico's port.
 */
function listenOn(port: number): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => sockets.add(socket));
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve({ close }));
  });
}

/** Its exit code and everything it printed; its process group is killed after the test. */
async function runToExit(child: ChildProcessByStdio<null, Readable, Readable>) {
  cleanups.push(() => {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // The group is gone.
    }
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, output };
}

/**
 * `npm start` when its port is taken (another dev server on 3000, say): it must say so and
 * exit, leaving neither its embedded PostgreSQL nor its emulator running behind it.
 */
describe("portico start on a port already in use", () => {
  it("exits 1 with what to do, and stops the database and emulator it started", async () => {
    const dataDir = makeDataDir("portico-port-taken");
    cleanups.push(() => removeDataDir(dataDir));
    const [port, emulatorPort] = [await freePort(), await freePort()];
    const taken = await listenOn(port);
    cleanups.push(() => taken.close());

    const { code, output } = await runToExit(spawnQuickStart(dataDir, port, emulatorPort));

    expect(code, output).toBe(1);
    expect(output).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    expect(output).not.toMatch(/\n\s+at /);
    // Both had started: the database ran the migrations, the emulator listened.
    expect(embeddedPostmasterPid(dataDir)).toBeUndefined();
    await (await listenOn(emulatorPort)).close();
  }, 90_000);

  it("names the emulator's port, and what to do, when that one is taken", async () => {
    const dataDir = makeDataDir("portico-emulator-port-taken");
    cleanups.push(() => removeDataDir(dataDir));
    const [port, emulatorPort] = [await freePort(), await freePort()];
    const taken = await listenOn(emulatorPort);
    cleanups.push(() => taken.close());

    const { code, output } = await runToExit(spawnQuickStart(dataDir, port, emulatorPort));

    expect(code, output).toBe(1);
    expect(output).toContain(
      `The Stripe emulator's port ${emulatorPort} on 127.0.0.1 is already in use: stop what listens there, or set STRIPE_EMULATOR_PORT to a free port`,
    );
    expect(output).not.toMatch(/\n\s+at /);
    expect(embeddedPostmasterPid(dataDir)).toBeUndefined();
    await (await listenOn(port)).close();
  }, 90_000);
});
