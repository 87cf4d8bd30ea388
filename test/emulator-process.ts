import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import Stripe from "stripe";
import { freePort } from "../src/free-port.js";

/**
 * Runs the Stripe emulator as a separate process, the way src/ must talk to it: src/ never
 * imports emulator/, so its tests reach Stripe only over HTTP through the real SDK.
 */

export type EmulatorProcess = {
  url: string;
  port: number;
  /** For benchmarks that read the process's memory from `/proc/<pid>/status`. */
  pid: number | undefined;
  stop(): Promise<void>;
};

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const HOST = "127.0.0.1";

async function waitUntilHealthy(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Stripe emulator exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/_emulator/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Stripe emulator did not become healthy at ${url} within ${timeoutMs} ms`);
}

/**
 * The emulator as its own process: from source through tsx (tests), or as the package's
 * compiled bin (`compiled`, for benchmarks; `npm run build` first).
 */
export async function startEmulatorProcess(
  options: { port?: number; timeoutMs?: number; compiled?: boolean } = {},
): Promise<EmulatorProcess> {
  const port = options.port ?? (await freePort());
  const program = options.compiled
    ? ["packages/emulator/bin/stripe-emulator.js"]
    : ["--import", "tsx", "packages/emulator/src/main.ts"];
  const child = spawn(process.execPath, [...program, "--port", String(port)], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://${HOST}:${port}`;
  try {
    await waitUntilHealthy(url, child, options.timeoutMs ?? 60_000);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  return {
    url,
    port,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Keys for a fresh, empty emulator account: the test and live modes of the same account. */
export function newStripeKeys(): { test: string; live: string } {
  const suffix = randomBytes(12).toString("hex");
  return { test: `sk_test_${suffix}`, live: `sk_live_${suffix}` };
}

/**
 * The emulator's stand-in for saving the portal settings in the Dashboard. Without a
 * configuration id it creates the Dashboard's default settings; returns the configuration.
 */
export async function saveDefaultPortalConfiguration(
  url: string,
  key: string,
  configurationId?: string,
): Promise<{ id: string; is_default: boolean }> {
  const params = configurationId ? { configuration: configurationId } : {};
  return (await postEmulatorControl(url, key, "portal/default", params)) as {
    id: string;
    is_default: boolean;
  };
}

/** POSTs a `/_emulator/…` control route for one key's account and mode; returns its JSON. */
export async function postEmulatorControl(
  url: string,
  key: string,
  path: string,
  params: object = {},
): Promise<unknown> {
  const response = await fetch(`${url}/_emulator/${path}`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${key}`,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(Object.entries(params).map(([name, value]) => [name, String(value)])),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`emulator ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** A fault on this key's account and mode, e.g. `{ kind: "rate_limit", path: "/v1/prices", times: 1 }`. */
export async function addEmulatorFault(
  url: string,
  key: string,
  fault: { kind: string; method?: string; path?: string; times?: number; ms?: number },
): Promise<void> {
  await postEmulatorControl(url, key, "faults", fault);
}

/** Removes this key's faults; the calls they still hold go on at once. */
export async function clearEmulatorFaults(url: string, key: string): Promise<void> {
  const response = await fetch(`${url}/_emulator/faults`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${key}` },
  });
  if (!response.ok) throw new Error(`clearing faults: ${response.status} ${await response.text()}`);
}

/**
 * Waits until this key's faults have been hit `expected` times in all: the calls they
 * stall have reached the emulator, so the requests behind them are inside the server.
 */
export async function waitForFaultHits(url: string, key: string, expected: number) {
  // Generous on a busy machine: the calls only have to begin before the first stall ends.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { data } = (await fetch(`${url}/_emulator/faults`, {
      headers: { authorization: `Bearer ${key}` },
    }).then((response) => response.json())) as { data: { hits: number }[] };
    if (data.reduce((hits, fault) => hits + fault.hits, 0) >= expected) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the emulator's faults were not hit ${expected} times within 60 s`);
}

/** Delays every API request of this key's account by `ms`. */
export async function setEmulatorLatency(url: string, key: string, ms: number): Promise<void> {
  await postEmulatorControl(url, key, "latency", { ms });
}

/** The official SDK pointed at the emulator, without retries (a test sees every failure). */
export function emulatorSdk(key: string, emulatorUrl: string): Stripe {
  const url = new URL(emulatorUrl);
  return new Stripe(key, {
    host: url.hostname,
    port: url.port,
    protocol: "http",
    maxNetworkRetries: 0,
  });
}

/** A product with one monthly USD price, the usual fixture for a subscription. */
export async function createMonthlyPrice(
  stripe: Stripe,
  product: string,
  unitAmount: number,
): Promise<Stripe.Price> {
  const { id } = await stripe.products.create({ name: product });
  return stripe.prices.create({
    product: id,
    currency: "usd",
    unit_amount: unitAmount,
    recurring: { interval: "month" },
  });
}
