/**
 * `npm run bench:embedded`: what an embedded Portico adds to a portal session over calling
 * the Stripe SDK directly, in the same process, as a host app would see it.
 *
 * The emulator runs in its own process. In this one: `createPortico()` on a fresh database
 * (on BENCH_DATABASE_URL's or TEST_DATABASE_URL's server, else on Portico's own embedded
 * PostgreSQL in a scratch data directory), its fetch handler called with a `Request` per
 * call, and `stripe.billingPortal.sessions.create()` with the same SDK settings. Rounds
 * alternate the two; each reports latency at p50/p99 and this process's CPU per call (the
 * database server's is not counted).
 *
 * Knobs: BENCH_CALLS (400 per round).
 */

import { linkBillingCustomer } from "../src/db/billing-customers.js";
import { openDatabase } from "../src/db/client.js";
import { userSubjectId } from "../src/db/subjects.js";
import { resolveHostUser } from "../src/embedded/host-identity.js";
import { createPortico, type Portico } from "../src/index.js";
import type { TestDatabase } from "../test/database.js";
import {
  emulatorSdk,
  newStripeKeys,
  saveDefaultPortalConfiguration,
  startEmulatorProcess,
} from "../test/emulator-process.js";
import { type DatabaseServer, openDatabaseServer } from "./database-server.js";

const USERS = 16;
const CALLS = Number(process.env.BENCH_CALLS ?? 400);
const ROUNDS = 3;
const CONCURRENCY = [1, 8];
const APP_URL = "http://localhost:3000";

interface Row {
  label: string;
  p50: number;
  p99: number;
  cpuMs: number;
}

async function main() {
  const emulator = await startEmulatorProcess();
  const keys = newStripeKeys();
  const stripe = emulatorSdk(keys.test, emulator.url);
  let postgres: DatabaseServer | undefined;
  let database: TestDatabase | undefined;
  let portico: Portico | undefined;
  try {
    postgres = await openDatabaseServer();
    database = await postgres.createDatabase();
    await saveDefaultPortalConfiguration(emulator.url, keys.test);
    const hostIds = Array.from({ length: USERS }, (_, index) => `bench-${index}`);
    const customers = await linkCustomers(hostIds, stripe, database.url);

    portico = createPortico({
      identify: (request) => ({ id: request.headers.get("x-bench-user") ?? "" }),
      appUrl: APP_URL,
      database: database.url,
      stripe: { testSecretKey: keys.test, apiBase: emulator.url },
      billing: { plans: [], portal_configurations: [], allowed_origins: [] },
      env: {
        LOG_LEVEL: "silent",
        RATE_LIMIT_PORTAL: "1000000/60s",
        STRIPE_MAX_NETWORK_RETRIES: "0",
      },
    });
    await portico.ready();
    const { handler } = portico;
    const body = JSON.stringify({ returnUrl: `${APP_URL}/settings/billing` });
    const viaPortico = async (call: number) => {
      const response = await handler(
        new Request(`${APP_URL}/api/billing/portal`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-bench-user": hostIds[call % USERS] ?? "",
          },
          body,
        }),
      );
      if (response.status !== 200) throw new Error(`portal answered ${response.status}`);
      await response.arrayBuffer();
    };
    const direct = async (call: number) => {
      await stripe.billingPortal.sessions.create({
        customer: customers[call % USERS] ?? "",
        return_url: `${APP_URL}/settings/billing`,
      });
    };

    await measure("warm-up", viaPortico, 4, 100);
    await measure("warm-up", direct, 4, 100);
    const rows: Row[] = [];
    for (const concurrency of CONCURRENCY) {
      for (let round = 0; round < ROUNDS; round++) {
        rows.push(
          await measure(`Portico handler, ${concurrency} at a time`, viaPortico, concurrency),
        );
        rows.push(
          await measure(`stripe SDK direct, ${concurrency} at a time`, direct, concurrency),
        );
      }
    }
    report(rows, postgres.label);
  } finally {
    await portico?.close();
    await emulator.stop();
    await database?.drop();
    await postgres?.close();
  }
}

/** Portico's users for the host's ids, each linked to a new Stripe customer, as checkout does. */
async function linkCustomers(
  hostIds: string[],
  stripe: ReturnType<typeof emulatorSdk>,
  url: string,
) {
  const database = await openDatabase({ url });
  try {
    await database.migrate();
    const customers: string[] = [];
    for (const id of hostIds) {
      const user = await resolveHostUser(database.db, { id });
      const customer = await stripe.customers.create();
      await linkBillingCustomer(database.db, userSubjectId(user.id), false, customer.id);
      customers.push(customer.id);
    }
    return customers;
  } finally {
    await database.close();
  }
}

async function measure(
  label: string,
  call: (index: number) => Promise<void>,
  concurrency: number,
  calls = CALLS,
): Promise<Row> {
  const latencies: number[] = [];
  let next = 0;
  const cpuBefore = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls) {
        const index = next++;
        const started = performance.now();
        await call(index);
        latencies.push(performance.now() - started);
      }
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  const at = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  return { label, p50: at(0.5), p99: at(0.99), cpuMs: (cpu.user + cpu.system) / 1000 / calls };
}

function report(rows: Row[], database: string) {
  const median = (values: number[]) =>
    values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const labels = [...new Set(rows.map((row) => row.label))];
  console.log(
    `\nEmbedded portal sessions (${database}), medians of ${ROUNDS} interleaved rounds of ${CALLS} calls\n`,
  );
  console.log("| path | p50 ms | p99 ms | CPU ms per call (this process) |");
  console.log("|---|---:|---:|---:|");
  const summary = new Map<string, Row>();
  for (const label of labels) {
    const of = rows.filter((row) => row.label === label);
    const row = {
      label,
      p50: median(of.map((r) => r.p50)),
      p99: median(of.map((r) => r.p99)),
      cpuMs: median(of.map((r) => r.cpuMs)),
    };
    summary.set(label, row);
    console.log(
      `| ${label} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(2)} | ${row.cpuMs.toFixed(2)} |`,
    );
  }
  for (const concurrency of CONCURRENCY) {
    const portico = summary.get(`Portico handler, ${concurrency} at a time`);
    const direct = summary.get(`stripe SDK direct, ${concurrency} at a time`);
    if (!portico || !direct) continue;
    console.log(
      `\n${concurrency} at a time: Portico adds ${(portico.p50 - direct.p50).toFixed(2)} ms at p50 ` +
        `(${(portico.p50 / direct.p50).toFixed(2)}× the direct call) and ` +
        `${(portico.cpuMs - direct.cpuMs).toFixed(2)} ms of CPU per call`,
    );
  }
}

await main();
