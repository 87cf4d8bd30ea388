import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, inject, it } from "vitest";
import {
  newStripeKeys,
  saveDefaultPortalConfiguration,
  setEmulatorLatency,
} from "../../test/emulator-process.js";
import { APP_URL, emulatorSdk } from "../../test/portico.js";
import { createAccountService } from "../auth/accounts.js";
import { loadConfig } from "../config.js";
import { linkBillingCustomer } from "../db/billing-customers.js";
import { databaseOptions, openDatabase } from "../db/client.js";

/** `portico start` as a real process: SIGTERM drains in-flight requests, then exits 0. */

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const emulatorUrl = inject("emulatorUrl");

interface Started {
  child: ChildProcess;
  url: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A data dir holding a user with a session token and a linked Stripe customer. */
async function prepareDataDir(key: string) {
  const dataDir = mkdtempSync(join(tmpdir(), "portico-start-"));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const config = loadConfig({ PORTICO_DATA_DIR: dataDir });
  const database = await openDatabase(databaseOptions(config));
  try {
    await database.migrate();
    const accounts = createAccountService({ db: database.db, config });
    const session = await accounts.signup({
      email: `drain-${Date.now()}@example.com`,
      password: "correct horse battery",
    });
    const customer = await emulatorSdk(key, emulatorUrl).customers.create();
    await linkBillingCustomer(database.db, session.user.id, false, customer.id);
    return { dataDir, token: session.token };
  } finally {
    await database.close();
  }
}

async function startServer(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "start"], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      LOG_LEVEL: "info",
      PORT: "0",
      APP_URL,
      PORTICO_CONFIG: "test/no-billing-config.json",
      STRIPE_API_BASE: emulatorUrl,
      STRIPE_MAX_NETWORK_RETRIES: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  cleanups.push(() => child.kill("SIGKILL"));
  let output = "";
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>(
    (resolve) => child.once("exit", (code, signal) => resolve({ code, signal, output })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Portico is running on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    void exit.then(({ code }) =>
      reject(new Error(`exited with ${code} before listening:\n${output}`)),
    );
    setTimeout(() => reject(new Error(`not listening after 15 s:\n${output}`)), 15_000);
  });
  return { child, url, exit };
}

const portalRequest = (url: string, token: string) =>
  fetch(`${url}/api/billing/portal`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ returnUrl: `${APP_URL}/settings/billing` }),
  });

/** A server whose portal requests each wait `latencyMs` on Stripe, and a user who may call it. */
async function startSlowServer(env: Record<string, string>, latencyMs: number) {
  const keys = newStripeKeys();
  await saveDefaultPortalConfiguration(emulatorUrl, keys.test);
  const { dataDir, token } = await prepareDataDir(keys.test);
  const server = await startServer({
    STRIPE_TEST_SECRET_KEY: keys.test,
    PORTICO_DATA_DIR: dataDir,
    ...env,
  });
  // After startup, so that the startup check of the billing setup is not slowed down.
  await setEmulatorLatency(emulatorUrl, keys.test, latencyMs);
  return { server, token };
}

describe("portico start, shutdown", () => {
  it("on SIGTERM stops accepting, finishes in-flight requests and exits 0", async () => {
    const { server, token } = await startSlowServer({}, 1_000);

    const started = Date.now();
    const inFlight = [1, 2, 3].map(() => portalRequest(server.url, token));
    await new Promise((resolve) => setTimeout(resolve, 300));
    server.child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();

    const responses = await Promise.all(inFlight);
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    for (const response of responses) {
      expect(((await response.json()) as { data: { url: string } }).data.url).toMatch(/^http/);
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    const { code, signal, output } = await server.exit;
    expect({ code, signal }, output).toEqual({ code: 0, signal: null });
    // Keep-alive sockets did not hold the process for their idle timeout.
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 40_000);

  it("cuts requests still running when SHUTDOWN_GRACE_MS runs out, and still exits 0", async () => {
    const { server, token } = await startSlowServer({ SHUTDOWN_GRACE_MS: "300" }, 8_000);

    const slow = portalRequest(server.url, token).then(
      (response) => response.status,
      () => "cut",
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const signalled = Date.now();
    server.child.kill("SIGTERM");
    expect(await slow).toBe("cut");
    const { code } = await server.exit;
    expect(code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(5_000);
  }, 40_000);
});
