/**
 * `npm run bench:portal`: what Portico adds on top of Stripe for a portal session.
 *
 * Starts the emulator and a Portico server (separate processes, as deployed) on a fresh
 * PostgreSQL database (on BENCH_DATABASE_URL's or TEST_DATABASE_URL's server, else on
 * Portico's own embedded PostgreSQL in a scratch data directory), then runs at the same
 * concurrency:
 *   1. autocannon against POST /api/billing/portal, one user per connection;
 *   2. the same portal-session call made directly with the stripe SDK.
 * It prints both, and Portico's overhead at p50 and p99.
 *
 * Knobs: BENCH_CONNECTIONS (32), BENCH_DURATION (10 s per row), BENCH_RATE (200 req/s).
 */

import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Stripe from "stripe";
import { linkBillingCustomer } from "../src/db/billing-customers.js";
import { openDatabase } from "../src/db/client.js";
import { userSubjectId } from "../src/db/subjects.js";
import type { TestDatabase } from "../test/database.js";
import {
  emulatorSdk,
  newStripeKeys,
  saveDefaultPortalConfiguration,
  startEmulatorProcess,
} from "../test/emulator-process.js";
import { type DatabaseServer, openDatabaseServer } from "./database-server.js";
import { runPaced, saturate } from "./load.js";
import { readCpuMs, startPorticoProcess, stopProcess } from "./portico-process.js";

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
/** Offered load for the latency comparison; saturation is measured too. */
const RATE = Number(process.env.BENCH_RATE ?? 200);
const WARMUP_S = 2;
const PORTICO_PORT = 34_000 + Math.floor(Math.random() * 1000);
const APP = `http://127.0.0.1:${PORTICO_PORT}`;

interface Result {
  label: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU the Portico server spent per request (Portico rows only). */
  cpuMsPerRequest?: number;
}

async function main() {
  const emulator = await startEmulatorProcess();
  const keys = newStripeKeys();
  const stripe = emulatorSdk(keys.test, emulator.url);
  const dataDir = mkdtempSync(join(tmpdir(), "portico-bench-"));
  let postgres: DatabaseServer | undefined;
  let database: TestDatabase | undefined;
  let portico: ChildProcess | undefined;
  try {
    postgres = await openDatabaseServer();
    database = await postgres.createDatabase();
    const configuration = await stripe.billingPortal.configurations.create({
      features: { invoice_history: { enabled: true }, payment_method_update: { enabled: true } },
      metadata: { portico_key: "default" },
    });
    await saveDefaultPortalConfiguration(emulator.url, keys.test, configuration.id);
    portico = await startPortico(keys.test, emulator.url, dataDir, database.url);
    const users = await signUpUsers(CONNECTIONS);
    await linkCustomers(stripe, database.url, users);

    const body = JSON.stringify({ returnUrl: `${APP}/settings/billing` });
    await runAutocannon("warm-up", users, body, WARMUP_S);
    const customers = (await Promise.all(users.map(() => stripe.customers.create()))).map(
      (c) => c.id,
    );
    const results: Result[] = [];
    const server = portico;
    /** Runs a Portico row and adds the server's CPU per request to it. */
    const measured = async (run: () => Promise<Result>) => {
      const before = readCpuMs(server);
      const result = await run();
      return { ...result, cpuMsPerRequest: (readCpuMs(server) - before) / result.requests };
    };
    // At a fixed, evenly paced load both paths are driven by the same loop, so
    // the difference is Portico's own work; at saturation autocannon finds the ceiling.
    results.push(
      await measured(() =>
        runPacedRow(
          `Portico POST /api/billing/portal, ${RATE} req/s`,
          users.map((user) => () => callPortico(user.token, body)),
          RATE,
        ),
      ),
    );
    results.push(
      await runPacedRow(
        `stripe SDK direct to emulator, ${RATE} req/s`,
        customers.map((customer) => () => callStripe(stripe, configuration.id, customer)),
        RATE,
      ),
    );
    results.push(
      await measured(() =>
        runAutocannon("Portico POST /api/billing/portal, saturation", users, body, DURATION_S),
      ),
    );
    results.push(
      await runPacedRow(
        "stripe SDK direct to emulator, saturation",
        customers.map((customer) => () => callStripe(stripe, configuration.id, customer)),
        0,
      ),
    );
    print(results, postgres.label);
  } finally {
    if (portico) await stopProcess(portico);
    await emulator.stop();
    await database?.drop();
    await postgres?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function startPortico(key: string, emulatorUrl: string, dataDir: string, databaseUrl: string) {
  return startPorticoProcess({
    port: PORTICO_PORT,
    emulatorUrl,
    env: {
      PORTICO_DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      STRIPE_TEST_SECRET_KEY: key,
      // The portal endpoint alone is measured; no billing file, no catalog check.
      PORTICO_CONFIG: join(dataDir, "no-billing-config.json"),
      PORTAL_CONFIGURATIONS: "default",
      RATE_LIMIT_PORTAL: "1000000/60s",
      RATE_LIMIT_LOGIN: "1000000/60s",
      RATE_LIMIT_SIGNUP: "1000000/60s",
    },
  });
}

async function signUpUsers(count: number) {
  const users: { token: string; id: string }[] = [];
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${APP}/api/auth/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        email: `bench-${i}-${Date.now()}@example.com`,
        password: "benchmark-password",
      }),
    });
    const { data } = (await response.json()) as { data: { token: string; user: { id: string } } };
    users.push({ token: data.token, id: data.user.id });
  }
  return users;
}

/** Links a Stripe customer to each user, as checkout would, straight into the server's database. */
async function linkCustomers(stripe: Stripe, url: string, users: { id: string }[]) {
  const database = await openDatabase({ url });
  try {
    for (const user of users) {
      const customer = await stripe.customers.create({ metadata: { portico_user_id: user.id } });
      await linkBillingCustomer(database.db, userSubjectId(user.id), false, customer.id);
    }
  } finally {
    await database.close();
  }
}

/** autocannon at saturation, one user per connection. */
async function runAutocannon(
  label: string,
  users: { token: string }[],
  body: string,
  duration: number,
): Promise<Result> {
  const result = await saturate({
    url: `${APP}/api/billing/portal`,
    connections: CONNECTIONS,
    duration,
    body,
    headers: users.map((user) => ({ authorization: `Bearer ${user.token}` })),
  });
  return { label, ...result, rps: result.requests / result.seconds };
}

async function callPortico(token: string, body: string) {
  const response = await fetch(`${APP}/api/billing/portal`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body,
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`status ${response.status}`);
}

function callStripe(stripe: Stripe, configuration: string, customer: string) {
  return stripe.billingPortal.sessions.create({ customer, configuration, return_url: `${APP}/` });
}

/** The shared paced loop over `DURATION_S`, as a row. */
async function runPacedRow(
  label: string,
  calls: (() => Promise<unknown>)[],
  rate: number,
): Promise<Result> {
  const result = await runPaced(calls, rate, DURATION_S);
  const answered = result.requests - result.errors;
  return { label, ...result, requests: answered, rps: answered / result.seconds };
}

function print(results: Result[], database: string) {
  console.log(
    `\nportal sessions on ${database}, ${CONNECTIONS} connections, ${DURATION_S}s per row\n`,
  );
  console.log("| path | req/s | p50 ms | p99 ms | errors | server CPU ms/req |");
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const r of results) {
    const cpu = r.cpuMsPerRequest === undefined ? "" : r.cpuMsPerRequest.toFixed(2);
    console.log(
      `| ${r.label} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.errors} | ${cpu} |`,
    );
  }
  for (let i = 0; i + 1 < results.length; i += 2) {
    const [portico, direct] = [results[i], results[i + 1]];
    if (!portico || !direct) continue;
    const mode = portico.label.split(", ").at(-1);
    console.log(
      `Portico overhead at ${mode}: p50 ${(portico.p50 - direct.p50).toFixed(2)} ms, p99 ${(portico.p99 - direct.p99).toFixed(2)} ms`,
    );
  }
}

await main();
