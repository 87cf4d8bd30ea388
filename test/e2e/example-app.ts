import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type Stripe from "stripe";
import { inject } from "vitest";
import { applyCatalogFile } from "../checkout.js";
import { makeDataDir, removeDataDir } from "../data-dir.js";
import {
  emulatorSdk,
  newStripeKeys,
  postEmulatorControl,
  saveDefaultPortalConfiguration,
} from "../emulator-process.js";
import { E2E_BILLING_CONFIG, reservePort } from "./portico-server.js";

export const REPOSITORY = fileURLToPath(new URL("../..", import.meta.url));

export interface ExampleApp {
  /** The app's origin, e.g. http://127.0.0.1:41234; its APP_URL. */
  url: string;
  /** The SDK on the app's emulator account. */
  stripe: Stripe;
  /** Everything the app printed, for a failing test's message. */
  output(): string;
  /** Waits until the emulator has delivered every webhook to the app. */
  flushWebhooks(): Promise<void>;
  close(): Promise<void>;
}

/**
 * One of `examples/` running as its developer runs it: its own process (`command` in its
 * folder), Portico embedded and configured from the environment, on a fresh emulator
 * account with the e2e catalog (no trials) applied, a default portal configuration, and a
 * webhook endpoint pointing at the app's mounted route `/api/billing/webhooks/stripe`.
 * The example imports Portico's compiled package (dist/), which test/e2e/build-package.ts builds.
 */
export async function startExampleApp(options: {
  /** The folder under examples/, e.g. "express". */
  example: string;
  command: string[];
  env?: Record<string, string>;
  /** How long the app may take to answer its first request. */
  readyTimeoutMs?: number;
}): Promise<ExampleApp> {
  const emulatorUrl = inject("emulatorUrl");
  const keys = newStripeKeys();
  const stripe = emulatorSdk(keys.test, emulatorUrl);
  await applyCatalogFile(keys.test, emulatorUrl, E2E_BILLING_CONFIG);
  await saveDefaultPortalConfiguration(emulatorUrl, keys.test);
  const port = await reservePort();
  const url = `http://127.0.0.1:${port}`;
  const endpoint = await stripe.webhookEndpoints.create({
    url: `${url}/api/billing/webhooks/stripe`,
    enabled_events: ["*"],
  });
  await postEmulatorControl(emulatorUrl, keys.test, "webhooks/settings", {
    mode: "ordered",
    retry_base_ms: 25,
    max_attempts: 6,
  });

  const dataDir = makeDataDir(`portico-example-${options.example}`);
  const [command = "node", ...args] = options.command;
  let printed = "";
  const child: ChildProcess = spawn(command, args, {
    cwd: join(REPOSITORY, "examples", options.example),
    // Its own process group: close() stops whatever the command started (next start's workers).
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      HOST: "127.0.0.1",
      HOSTNAME: "127.0.0.1",
      APP_URL: url,
      STRIPE_SECRET_KEY: keys.test,
      STRIPE_API_BASE: emulatorUrl,
      STRIPE_WEBHOOK_SECRET: endpoint.secret ?? "",
      PORTICO_DATA_DIR: dataDir,
      PORTICO_CONFIG: E2E_BILLING_CONFIG,
      LOG_LEVEL: "warn",
      ...options.env,
    },
  });
  child.stdout?.on("data", (chunk) => {
    printed += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    printed += chunk;
  });

  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(-child.pid, "SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
    }
    removeDataDir(dataDir);
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  while (true) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`examples/${options.example} exited (${child.exitCode}):\n${printed}`);
    }
    const answered = await fetch(url).then(
      () => true,
      () => false,
    );
    if (answered) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`examples/${options.example} did not answer on ${url}:\n${printed}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  return {
    url,
    stripe,
    output: () => printed,
    async flushWebhooks() {
      const result = (await postEmulatorControl(emulatorUrl, keys.test, "webhooks/flush")) as {
        idle: boolean;
      };
      if (!result.idle) throw new Error("emulator deliveries did not settle");
    },
    close: stop,
  };
}
