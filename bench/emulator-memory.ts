/**
 * `npm run bench:emulator-memory`: the emulator's memory over many portal sessions.
 *
 * Issue 14: every portal session used to stay in memory (about 3.4 KB each), so a long
 * load test grew the heap without bound. Sessions now expire and are dropped, events and
 * idempotency keys keep a bounded number per account, so RSS should level off.
 *
 * Starts the emulator as its own process, shortens the portal session lifetime (memory is
 * rate × lifetime; Stripe's 5 minutes at thousands of sessions a second would only level
 * off after 5 minutes), then creates BENCH_SESSIONS sessions in chunks, each POST with its
 * own Idempotency-Key as the SDK sends with retries on, and prints the emulator's RSS
 * after every chunk.
 */
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import Stripe from "stripe";
import {
  newStripeKeys,
  saveDefaultPortalConfiguration,
  startEmulatorProcess,
} from "../test/emulator-process.js";

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 1_000_000);
const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const TTL_SECONDS = Number(process.env.BENCH_TTL ?? 5);

/** Resident set size of a process in MB, from Linux's `/proc`. */
function readRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

async function main() {
  const emulator = await startEmulatorProcess();
  const { pid } = emulator;
  if (pid === undefined) throw new Error("The emulator process has no pid");
  try {
    const keys = newStripeKeys();
    const { hostname, port } = new URL(emulator.url);
    const stripe = new Stripe(keys.test, { host: hostname, port, protocol: "http" });
    const customer = await stripe.customers.create({ email: "bench@example.com" });
    await saveDefaultPortalConfiguration(emulator.url, keys.test);
    const headers = {
      authorization: `Bearer ${keys.test}`,
      "content-type": "application/x-www-form-urlencoded",
    };
    await fetch(`${emulator.url}/_emulator/portal/session-ttl`, {
      method: "POST",
      headers,
      body: `seconds=${TTL_SECONDS}`,
    });

    const perChunk = Math.ceil(SESSIONS / CHUNKS);
    console.log(
      `${SESSIONS} portal sessions in ${CHUNKS} chunks, ${CONNECTIONS} connections, session TTL ${TTL_SECONDS} s`,
    );
    console.log(`  sessions       RSS (MB)   req/s`);
    console.log(`  ${"0".padStart(9)}  ${readRssMb(pid).toFixed(1).padStart(9)}`);
    let created = 0;
    let failed = 0;
    let key = 0;
    const started = Date.now();
    for (let chunk = 0; chunk < CHUNKS && created < SESSIONS; chunk++) {
      const amount = Math.min(perChunk, SESSIONS - created);
      const result = await autocannon({
        url: `${emulator.url}/v1/billing_portal/sessions`,
        method: "POST",
        connections: CONNECTIONS,
        amount,
        headers,
        body: new URLSearchParams({ customer: customer.id }).toString(),
        requests: [
          {
            setupRequest: (request) => ({
              ...request,
              headers: { ...request.headers, "idempotency-key": `bench-${key++}` },
            }),
          },
        ],
      });
      created += result.requests.total;
      failed += result.non2xx + result.errors + result.timeouts;
      const rss = readRssMb(pid).toFixed(1).padStart(9);
      const rate = result.requests.average.toFixed(0).padStart(7);
      console.log(`  ${String(created).padStart(9)}  ${rss}  ${rate}`);
    }
    console.log(`  ${failed} failed, ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
    if (failed > 0) process.exitCode = 1;
  } finally {
    await emulator.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
