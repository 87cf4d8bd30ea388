/**
 * `npm run bench:webhooks`: signed Stripe events through the real webhook endpoint.
 *
 * Starts the emulator and Portico (a separate process, as deployed), creates real
 * subscriptions, then sends `customer.subscription.updated` events for them with autocannon,
 * each event signed ahead of time and sent once, several per subscription with rising
 * `created` (so older ones arrive late and must be skipped). Rows: `payload` and `refetch`
 * modes, on PGlite, and on PostgreSQL when BENCH_DATABASE_URL (or TEST_DATABASE_URL) is set.
 * After each row it checks exactly-once in the database: every event stored once, processed,
 * in one attempt, and every subscription holding its newest event's time.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { sql } from "drizzle-orm";
import type Stripe from "stripe";
import { databaseOptions, openDatabase } from "../src/db/client.js";
import { createTestDatabase } from "../test/database.js";
import {
  createMonthlyPrice,
  emulatorSdk,
  newStripeKeys,
  startEmulatorProcess,
} from "../test/emulator-process.js";
import { signedEvent } from "../test/signed-event.js";
import { readCpuMs, startPorticoProcess, stopProcess } from "./portico-process.js";

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
/** Refetch reads Stripe for every event: fewer events keep the row short. */
const REFETCH_EVENTS = Number(process.env.BENCH_REFETCH_EVENTS ?? 4_000);
const SUBSCRIPTIONS = Number(process.env.BENCH_SUBSCRIPTIONS ?? 500);
const SECRET = `whsec_bench${randomBytes(12).toString("hex")}`;
const POSTGRES = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
/** BENCH_ONLY=payload,postgres: only the listed modes and/or databases. */
const ONLY = new Set(process.env.BENCH_ONLY?.split(",") ?? []);
const only = (group: readonly string[]) => (word: string) =>
  !group.some((listed) => ONLY.has(listed)) || ONLY.has(word);
const PORTICO_PORT = 35_000 + Math.floor(Math.random() * 1000);
const APP = `http://127.0.0.1:${PORTICO_PORT}`;

interface Row {
  label: string;
  events: number;
  seconds: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU the Portico server spent per event (not PostgreSQL's, nor the emulator's). */
  cpuMsPerEvent: number;
  check: string;
}

async function main() {
  const emulator = await startEmulatorProcess();
  const keys = newStripeKeys();
  const stripe = emulatorSdk(keys.test, emulator.url);
  const rows: Row[] = [];
  try {
    const subscriptions = await createSubscriptions(stripe, SUBSCRIPTIONS);
    const engines = (["pglite", "postgres"] as const).filter(
      (engine) => engine === "pglite" || POSTGRES,
    );
    const sources = ["payload", "refetch"] as const;
    for (const engine of engines.filter(only(engines))) {
      for (const source of sources.filter(only(sources))) {
        const count = source === "payload" ? EVENTS : REFETCH_EVENTS;
        rows.push(await runRow(engine, source, subscriptions, count, keys.test, emulator.url));
      }
    }
  } finally {
    await emulator.stop();
  }
  print(rows);
}

async function runRow(
  engine: "pglite" | "postgres",
  source: "payload" | "refetch",
  subscriptions: Stripe.Subscription[],
  count: number,
  key: string,
  emulatorUrl: string,
): Promise<Row> {
  const label = `${source}, ${engine === "pglite" ? "PGlite" : "PostgreSQL"}`;
  const dataDir = mkdtempSync(join(tmpdir(), "portico-bench-webhooks-"));
  const database =
    engine === "postgres" ? await createTestDatabase("postgres", POSTGRES) : undefined;
  const portico = await startPorticoProcess({
    port: PORTICO_PORT,
    emulatorUrl,
    env: {
      PORTICO_DATA_DIR: dataDir,
      ...(database?.url ? { DATABASE_URL: database.url } : {}),
      STRIPE_TEST_SECRET_KEY: key,
      STRIPE_WEBHOOK_SECRETS: SECRET,
      SYNC_SOURCE: source,
      PORTICO_CONFIG: join(dataDir, "no-billing-config.json"),
    },
  });
  try {
    const prefix = `evt_bench_${source}_${engine}_`;
    const events = buildEvents(prefix, subscriptions, count);
    const cpuBefore = readCpuMs(portico);
    const started = performance.now();
    const result = await send(events);
    const seconds = (performance.now() - started) / 1000;
    const cpuMsPerEvent = (readCpuMs(portico) - cpuBefore) / count;
    await stopProcess(portico);
    const check = await checkExactlyOnce(database?.url, dataDir, prefix, events.length);
    console.log(`${label}: ${(count / seconds).toFixed(0)} events/s, ${check}`);
    return { label, events: count, seconds, ...result, cpuMsPerEvent, check };
  } finally {
    await stopProcess(portico);
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function createSubscriptions(stripe: Stripe, count: number) {
  const price = await createMonthlyPrice(stripe, "Bench", 1000);
  const subscriptions: Stripe.Subscription[] = [];
  const batch = 25;
  for (let i = 0; i < count; i += batch) {
    const created = await Promise.all(
      Array.from({ length: Math.min(batch, count - i) }, async () => {
        const customer = await stripe.customers.create();
        const card = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
        return stripe.subscriptions.create({
          customer: customer.id,
          items: [{ price: price.id }],
          default_payment_method: card.id,
        });
      }),
    );
    subscriptions.push(...created);
  }
  return subscriptions;
}

type SignedEvent = ReturnType<typeof signedEvent>;

/**
 * Event i updates subscription i mod n with `created` one second later than that
 * subscription's previous event; autocannon's connections deliver them out of order.
 */
function buildEvents(prefix: string, subscriptions: Stripe.Subscription[], count: number) {
  const base = Math.floor(Date.now() / 1000) - 3600;
  return Array.from({ length: count }, (_, i) =>
    signedEvent(SECRET, {
      id: `${prefix}${i}`,
      type: "customer.subscription.updated",
      created: base + Math.floor(i / subscriptions.length),
      object: subscriptions[i % subscriptions.length] as Stripe.Subscription,
    }),
  );
}

function send(events: SignedEvent[]): Promise<Pick<Row, "p50" | "p99" | "errors">> {
  let next = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${APP}/api/webhooks/stripe`,
        method: "POST",
        connections: CONNECTIONS,
        amount: events.length,
        timeout: 60,
        requests: [
          {
            setupRequest: (request) => {
              const event = events[next++ % events.length] as SignedEvent;
              return {
                ...request,
                body: event.body,
                headers: {
                  "content-type": "application/json",
                  "stripe-signature": event.signature,
                },
              };
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          p50: result.latency.p50,
          p99: result.latency.p99,
          errors: result.errors + result.non2xx,
        });
      },
    );
  });
}

/** Every event stored once, processed in one attempt; every subscription at its newest event. */
async function checkExactlyOnce(
  url: string | undefined,
  dataDir: string,
  prefix: string,
  expected: number,
): Promise<string> {
  const database = await openDatabase(databaseOptions({ databaseUrl: url, dataDir }));
  try {
    const { rows } = (await database.db.execute(sql`
      select count(*)::int as events,
             count(*) filter (where status = 'processed' and attempts = 1)::int as once
      from stripe_events where id like ${`${prefix}%`}`)) as unknown as {
      rows: { events: number; once: number }[];
    };
    const newest = (await database.db.execute(sql`
      select count(*)::int as behind from billing_subscriptions s
      where s.stripe_updated < (select max(created) from stripe_events e
        where e.id like ${`${prefix}%`}
          and e.payload->'data'->'object'->>'id' = s.stripe_subscription_id)`)) as unknown as {
      rows: { behind: number }[];
    };
    const [counts] = rows;
    const behind = newest.rows[0]?.behind ?? -1;
    const ok = counts?.events === expected && counts.once === expected && behind === 0;
    return `${ok ? "exactly once: ok" : "exactly once: FAILED"} (${counts?.events} stored, ${counts?.once} processed once, ${behind} subscriptions behind)`;
  } finally {
    await database.close();
  }
}

function print(rows: Row[]) {
  console.log(
    `\nwebhooks: customer.subscription.updated over ${SUBSCRIPTIONS} subscriptions, ${CONNECTIONS} connections\n`,
  );
  console.log(
    "| mode, database | events | events/s | p50 ms | p99 ms | errors | server CPU ms/event | check |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---|");
  for (const r of rows) {
    console.log(
      `| ${r.label} | ${r.events} | ${(r.events / r.seconds).toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.errors} | ${r.cpuMsPerEvent.toFixed(2)} | ${r.check} |`,
    );
  }
}

await main();
