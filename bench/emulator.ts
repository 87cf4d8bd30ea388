/**
 * `npm run bench:emulator`: the packaged emulator's start time and idle memory, and its
 * throughput for POST /v1/billing_portal/sessions, the call Portico makes on every portal
 * visit.
 *
 * Builds and starts the compiled bin (`stripe-emulator`, as `npx` runs it), times it until
 * healthy, reads its RSS once idle, sets up an account with a customer and a default
 * portal configuration, then runs autocannon against it and prints req/s, p50/p99 latency
 * and the emulator's CPU time per request.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import Stripe from "stripe";
import {
  newStripeKeys,
  saveDefaultPortalConfiguration,
  startEmulatorProcess,
} from "../test/emulator-process.js";

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);

/** Linux's view of a process: resident memory (MB) and CPU time used so far (ms). */
function processUsage(pid: number) {
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
  // Fields 14 and 15 of /proc/<pid>/stat: user and system time, in clock ticks (100 Hz).
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  const ticks = Number(stat[11]) + Number(stat[12]);
  return { rssMb: rssKb / 1024, cpuMs: ticks * 10 };
}

async function main() {
  execFileSync("npm", ["run", "build", "-w", "@portico/stripe-emulator"], { stdio: "ignore" });
  const started = performance.now();
  const emulator = await startEmulatorProcess({ compiled: true });
  const startMs = performance.now() - started;
  const pid = emulator.pid ?? 0;
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const idle = processUsage(pid);
  try {
    const keys = newStripeKeys();
    const { hostname, port } = new URL(emulator.url);
    const stripe = new Stripe(keys.test, { host: hostname, port, protocol: "http" });
    const customer = await stripe.customers.create({ email: "bench@example.com" });
    await saveDefaultPortalConfiguration(emulator.url, keys.test);

    const before = processUsage(pid);
    const result = await autocannon({
      url: `${emulator.url}/v1/billing_portal/sessions`,
      method: "POST",
      connections: CONNECTIONS,
      duration: DURATION_S,
      headers: {
        authorization: `Bearer ${keys.test}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ customer: customer.id }).toString(),
    });
    const after = processUsage(pid);
    const failed = result.non2xx + result.errors + result.timeouts;
    const cpuPerRequest = (after.cpuMs - before.cpuMs) / result.requests.total;
    console.log(
      [
        `start (spawn to healthy): ${startMs.toFixed(0)} ms`,
        `idle RSS: ${idle.rssMb.toFixed(0)} MB`,
        `POST /v1/billing_portal/sessions, ${CONNECTIONS} connections, ${DURATION_S} s`,
        `  requests: ${result.requests.total} (${failed} failed)`,
        `  req/s:    ${result.requests.average.toFixed(0)}`,
        `  p50:      ${result.latency.p50} ms`,
        `  p99:      ${result.latency.p99} ms`,
        `  emulator CPU per request: ${cpuPerRequest.toFixed(3)} ms`,
        `  RSS after: ${after.rssMb.toFixed(0)} MB`,
      ].join("\n"),
    );
    if (failed > 0) process.exitCode = 1;
  } finally {
    await emulator.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
