/**
 * `npm run bench:emulator`: throughput of the Stripe emulator alone for
 * POST /v1/billing_portal/sessions, the call Portico makes on every portal visit.
 *
 * Starts the emulator as its own process (as `npm start` does), sets up an account with
 * a customer and a default portal configuration, then runs autocannon against it and
 * prints req/s with p50 and p99 latency.
 */
import autocannon from "autocannon";
import Stripe from "stripe";
import {
  newStripeKeys,
  saveDefaultPortalConfiguration,
  startEmulatorProcess,
} from "../test/emulator-process.js";

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);

async function main() {
  const emulator = await startEmulatorProcess();
  try {
    const keys = newStripeKeys();
    const { hostname, port } = new URL(emulator.url);
    const stripe = new Stripe(keys.test, { host: hostname, port, protocol: "http" });
    const customer = await stripe.customers.create({ email: "bench@example.com" });
    await saveDefaultPortalConfiguration(emulator.url, keys.test);

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
    const failed = result.non2xx + result.errors + result.timeouts;
    console.log(
      [
        `POST /v1/billing_portal/sessions, ${CONNECTIONS} connections, ${DURATION_S} s`,
        `  requests: ${result.requests.total} (${failed} failed)`,
        `  req/s:    ${result.requests.average.toFixed(0)}`,
        `  p50:      ${result.latency.p50} ms`,
        `  p99:      ${result.latency.p99} ms`,
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
