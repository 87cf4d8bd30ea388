import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, inject, it } from "vitest";
import { porticoCommand } from "../../test/cli-process.js";
import { openMigratedTestDatabase } from "../../test/database.js";
import {
  addEmulatorFault,
  createMonthlyPrice,
  newStripeKeys,
  saveDefaultPortalConfiguration,
  setEmulatorLatency,
  waitForFaultHits,
} from "../../test/emulator-process.js";
import { sample } from "../../test/metrics.js";
import { APP_URL, emulatorSdk } from "../../test/portico.js";
import { signedEvent } from "../../test/signed-event.js";
import { createAccountService } from "../auth/accounts.js";
import { loadConfig } from "../config.js";
import { linkBillingCustomer } from "../db/billing-customers.js";
import { billingSubscriptions, stripeEvents } from "../db/schema.js";
import { userSubjectId } from "../db/subjects.js";

/** `portico start` as a real process: SIGTERM drains in-flight requests, then exits 0. */

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const emulatorUrl = inject("emulatorUrl");

interface Started {
  child: ChildProcess;
  url: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A migrated database, as a first start would leave it; dropped after the test. */
async function migratedDatabase() {
  const database = await openMigratedTestDatabase(undefined, { poolSize: 2 });
  cleanups.push(() => database.close());
  return database;
}

/** A database holding a user with a session token and a linked Stripe customer. */
async function prepareDatabase(key: string) {
  const database = await migratedDatabase();
  const accounts = createAccountService({ db: database.db, config: loadConfig({}) });
  const session = await accounts.signup({
    email: `drain-${Date.now()}@example.com`,
    password: "correct horse battery",
  });
  const customer = await emulatorSdk(key, emulatorUrl).customers.create();
  await linkBillingCustomer(database.db, userSubjectId(session.user.id), false, customer.id);
  return { databaseUrl: database.url, token: session.token };
}

async function startServer(env: Record<string, string>): Promise<Started> {
  const child = spawn(...porticoCommand("start"), {
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
    setTimeout(() => reject(new Error(`not listening after 60 s:\n${output}`)), 60_000);
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
  const { databaseUrl, token } = await prepareDatabase(keys.test);
  const server = await startServer({
    STRIPE_TEST_SECRET_KEY: keys.test,
    DATABASE_URL: databaseUrl,
    ...env,
  });
  // After startup, so that the startup check of the billing setup is not slowed down.
  if (latencyMs > 0) await setEmulatorLatency(emulatorUrl, keys.test, latencyMs);
  return { server, token, key: keys.test };
}

describe("portico start, shutdown", () => {
  it("on SIGTERM stops accepting, finishes in-flight requests and exits 0", async () => {
    const { server, token, key } = await startSlowServer({}, 0);
    await addEmulatorFault(emulatorUrl, key, {
      kind: "latency",
      method: "POST",
      path: "/v1/billing_portal/sessions",
      ms: 1_000,
      times: 3,
    });

    const started = Date.now();
    const inFlight = [1, 2, 3].map(() => portalRequest(server.url, token));
    // In flight means inside the server, waiting on Stripe: not merely sent by this process.
    await waitForFaultHits(emulatorUrl, key, 3);
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
    // A real key and no webhook secret: the banner's checklist says what to register.
    expect(output).toContain("Setup checklist: 1 of 3 needs attention");
    expect(output).toContain(`register ${APP_URL}/api/webhooks/stripe in the Stripe Dashboard`);
    // Keep-alive sockets did not hold the process for their idle timeout (65 s).
    expect(Date.now() - started).toBeLessThan(45_000);
  });

  it("cuts requests still running when SHUTDOWN_GRACE_MS runs out, and still exits 0", async () => {
    const { server, token } = await startSlowServer({ SHUTDOWN_GRACE_MS: "300" }, 60_000);

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
    // Not held for the Stripe call, which would time out only after STRIPE_TIMEOUT_MS (10 s).
    expect(Date.now() - signalled).toBeLessThan(9_000);
  });
});

describe("portico start, shutdown during a webhook burst", () => {
  it("leaves every event applied with its change, or stored for a retry with none", async () => {
    const keys = newStripeKeys();
    const stripe = emulatorSdk(keys.test, emulatorUrl);
    const price = await createMonthlyPrice(stripe, "Burst", 700);
    const subscriptions = await Promise.all(
      Array.from({ length: 24 }, async () => {
        const customer = await stripe.customers.create();
        return stripe.subscriptions.create({
          customer: customer.id,
          items: [{ price: price.id }],
          payment_behavior: "default_incomplete",
        });
      }),
    );
    const secret = `whsec_burst${Date.now()}`;
    const database = await migratedDatabase();
    const server = await startServer({
      STRIPE_TEST_SECRET_KEY: keys.test,
      DATABASE_URL: database.url,
      STRIPE_WEBHOOK_SECRETS: secret,
      SYNC_SOURCE: "refetch",
      SHUTDOWN_GRACE_MS: "600",
    });
    // Stripe reads run side by side (no database is held during them): half of them are
    // quick and finish within the grace period, half are still being read when it ends.
    await setEmulatorLatency(emulatorUrl, keys.test, 150);
    for (const subscription of subscriptions.filter((_, i) => i % 2 === 1)) {
      await addEmulatorFault(emulatorUrl, keys.test, {
        kind: "latency",
        method: "GET",
        path: `/v1/subscriptions/${subscription.id}`,
        ms: 2_500,
        times: 1,
      });
    }

    const deliveries = subscriptions.map(async (subscription, i) => {
      const { body, signature } = signedEvent(secret, {
        id: `evt_burst_${i}`,
        type: "customer.subscription.updated",
        object: subscription,
      });
      const response = await fetch(`${server.url}/api/webhooks/stripe`, {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": signature },
        body,
      }).catch(() => undefined);
      return { id: `evt_burst_${i}`, subscription: subscription.id, status: response?.status };
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    server.child.kill("SIGTERM");
    const answered = await Promise.all(deliveries);
    const { code, output } = await server.exit;
    expect(code, output).toBe(0);

    {
      const events = await database.db.select().from(stripeEvents);
      const mirrored = new Set(
        (await database.db.select().from(billingSubscriptions)).map(
          (row) => row.stripeSubscriptionId,
        ),
      );
      const byId = new Map(events.map((event) => [event.id, event]));
      const outcomes = { applied: 0, leftForRetry: 0, neverStored: 0 };
      for (const delivery of answered) {
        const event = byId.get(delivery.id);
        if (delivery.status === 200) expect(event?.status).toBe("processed");
        if (!event) {
          outcomes.neverStored++;
          expect(mirrored.has(delivery.subscription)).toBe(false);
        } else if (event.status === "processed") {
          outcomes.applied++;
          expect(mirrored.has(delivery.subscription)).toBe(true);
        } else {
          // Stored, not applied: nothing of it written; Stripe's redelivery or the retry worker takes it.
          outcomes.leftForRetry++;
          expect(["processing", "failed"]).toContain(event.status);
          expect(event.processedAt).toBeNull();
          expect(mirrored.has(delivery.subscription)).toBe(false);
        }
      }
      // The signal came mid-burst: some events made it, some were left for later.
      expect(outcomes.applied).toBeGreaterThan(0);
      expect(outcomes.leftForRetry + outcomes.neverStored).toBeGreaterThan(0);
    }

    // Started again, the retry worker applies what was left, without any redelivery.
    await setEmulatorLatency(emulatorUrl, keys.test, 0);
    const restarted = await startServer({
      STRIPE_TEST_SECRET_KEY: keys.test,
      DATABASE_URL: database.url,
      STRIPE_WEBHOOK_SECRETS: secret,
      WEBHOOK_RETRY_INTERVAL_MS: "100",
      WEBHOOK_RETRY_BACKOFF_SECONDS: "0",
    });
    const waiting = async () => {
      const text = await (await fetch(`${restarted.url}/metrics`)).text();
      return (
        (sample(text, "portico_webhook_unprocessed_events", { status: "failed" }) ?? 1) +
        (sample(text, "portico_webhook_unprocessed_events", { status: "processing" }) ?? 1)
      );
    };
    for (let i = 0; i < 100 && (await waiting()) > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    restarted.child.kill("SIGTERM");
    expect((await restarted.exit).code).toBe(0);
    {
      const stored = await database.db.select().from(stripeEvents);
      expect(stored.filter((event) => event.status !== "processed")).toEqual([]);
      const rows = await database.db.select().from(billingSubscriptions);
      expect(rows.map((row) => row.stripeSubscriptionId).sort()).toEqual(
        answered
          .filter((delivery) => stored.some((event) => event.id === delivery.id))
          .map((delivery) => delivery.subscription)
          .sort(),
      );
    }
  });
});
