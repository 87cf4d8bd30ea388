/**
 * `npm run bench:peers`: Portico beside its peers, in one process tree, against one emulator
 * and one PostgreSQL server (BENCH_DATABASE_URL), interleaved over several rounds.
 *
 *   portal:   Portico's portal route, Better Auth's billing-portal endpoint, the seed Express
 *             handler, and a direct SDK call; at saturation and at a fixed rate.
 *   webhooks: Portico's webhook route, stripe-sync-engine behind node:http, and the bare
 *             HMAC + transaction floor, with the same signed events.
 *
 * Every row is checked (portal: every answer a 2xx with a URL; webhooks: events stored and
 * applied once, every subscription at its newest event), so a fast wrong answer cannot win.
 * Tables go to stdout, progress to stderr.
 */
import os from "node:os";
import {
  emulatorSdk,
  newStripeKeys,
  saveDefaultPortalConfiguration,
  startEmulatorProcess,
} from "../../test/emulator-process.js";
import { runPortalScenario } from "./portal-scenario.js";
import { postgresCpuMeter } from "./postgres.js";
import { runWebhookScenario } from "./webhook-scenario.js";
import { floorReceiver, porticoReceiver, syncEngineReceiver } from "./webhook-targets.js";

const QUICK = process.env.BENCH_QUICK === "1";
const knob = (name: string, normal: number, quick: number) =>
  Number(process.env[name] ?? (QUICK ? quick : normal));

const ROUNDS = knob("BENCH_ROUNDS", 3, 1);
const DURATION = knob("BENCH_DURATION", 10, 3);
const CONNECTIONS = knob("BENCH_CONNECTIONS", 32, 32);
const RATE = knob("BENCH_RATE", 200, 200);
const EVENTS = knob("BENCH_EVENTS", 10_000, 1_000);
const SUBSCRIPTIONS = knob("BENCH_SUBSCRIPTIONS", 1_000, 100);
const SENDERS = (process.env.BENCH_SENDERS ?? (QUICK ? "32" : "32,64")).split(",").map(Number);
/** BENCH_ONLY=portal or webhooks: one scenario. */
const ONLY = process.env.BENCH_ONLY;
const ADMIN = process.env.BENCH_DATABASE_URL;

async function main() {
  if (!ADMIN) {
    console.error(
      "Set BENCH_DATABASE_URL to a PostgreSQL server URL the bench may create databases on, e.g. postgres://postgres@127.0.0.1:5432/postgres",
    );
    process.exit(2);
  }
  const postgresCpuMs = await postgresCpuMeter(ADMIN);
  const emulator = await startEmulatorProcess({ compiled: true });
  const keys = newStripeKeys();
  const stripe = emulatorSdk(keys.test, emulator.url);
  const sections: string[] = [];
  try {
    if (ONLY !== "webhooks") {
      const configuration = await stripe.billingPortal.configurations.create({
        features: { invoice_history: { enabled: true }, payment_method_update: { enabled: true } },
        metadata: { portico_key: "default" },
      });
      await saveDefaultPortalConfiguration(emulator.url, keys.test, configuration.id);
      const setup = {
        admin: ADMIN,
        emulatorUrl: emulator.url,
        key: keys.test,
        stripe,
        users: CONNECTIONS,
        connections: CONNECTIONS,
      };
      const options = { rounds: ROUNDS, duration: DURATION, warmup: 2, rate: RATE, postgresCpuMs };
      sections.push(await runPortalScenario(setup, options));
    }
    if (ONLY !== "portal") {
      const targets = [porticoReceiver(emulator.url, keys.test), syncEngineReceiver, floorReceiver];
      sections.push(
        await runWebhookScenario(stripe, targets, {
          admin: ADMIN,
          rounds: ROUNDS,
          events: EVENTS,
          subscriptions: SUBSCRIPTIONS,
          senders: SENDERS,
          postgresCpuMs,
        }),
      );
    }
  } finally {
    await emulator.stop();
  }
  const postgres = postgresCpuMs ? "" : " PostgreSQL CPU: n/a (the server is not on this machine).";
  console.log(
    `\nnpm run bench:peers: ${new Date().toISOString().slice(0, 10)}, Node.js ${process.version}, ` +
      `${os.cpus().length} cores, load average at the end ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}.${postgres}\n`,
  );
  console.log(sections.join("\n\n"));
}

await main();
