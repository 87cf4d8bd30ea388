/**
 * `npm run bench:webhooks`: signed Stripe events through the real webhook endpoint.
 *
 * Starts the emulator and Portico (a separate process, as deployed), creates real
 * subscriptions, then sends `customer.subscription.updated` events for them with autocannon,
 * each event signed ahead of time and sent once, several per subscription with rising
 * `created` (so older ones arrive late and must be skipped). Rows: `payload` and `refetch`
 * modes, each on a fresh database on BENCH_DATABASE_URL's (or TEST_DATABASE_URL's) server,
 * else on Portico's own embedded PostgreSQL in a scratch data directory. A row's time runs
 * from the first delivery until every event is applied (an event answered `queued` is
 * applied behind its answer). After each row it checks exactly-once in the database: every event stored once, processed, in one attempt,
 * and every subscription holding its newest event's time.
 *
 * Knobs: BENCH_CONNECTIONS (64), BENCH_EVENTS (20000, payload), BENCH_REFETCH_EVENTS (4000),
 * BENCH_SUBSCRIPTIONS (500), BENCH_ONLY (payload or refetch: that mode only).
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import type Stripe from "stripe";
import { openDatabase } from "../src/db/client.js";
import { billingSubscriptions, stripeEvents } from "../src/db/schema.js";
import {
  createMonthlyPrice,
  emulatorSdk,
  newStripeKeys,
  startEmulatorProcess,
} from "../test/emulator-process.js";
import { signedEvent } from "../test/signed-event.js";
import { type DatabaseServer, openDatabaseServer } from "./database-server.js";
import { sendOnce } from "./load.js";
import { readCpuMs, startPorticoProcess, stopProcess } from "./portico-process.js";

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
/** Refetch reads Stripe for every event: fewer events keep the row short. */
const REFETCH_EVENTS = Number(process.env.BENCH_REFETCH_EVENTS ?? 4_000);
const SUBSCRIPTIONS = Number(process.env.BENCH_SUBSCRIPTIONS ?? 500);
const SECRET = `whsec_bench${randomBytes(12).toString("hex")}`;
/** BENCH_ONLY=payload: only the listed modes. */
const ONLY = new Set(process.env.BENCH_ONLY?.split(",").filter(Boolean) ?? []);
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
  let postgres: DatabaseServer | undefined;
  try {
    postgres = await openDatabaseServer();
    const subscriptions = await createSubscriptions(stripe, SUBSCRIPTIONS);
    const sources = (["payload", "refetch"] as const).filter(
      (source) => ONLY.size === 0 || ONLY.has(source),
    );
    for (const source of sources) {
      const count = source === "payload" ? EVENTS : REFETCH_EVENTS;
      rows.push(await runRow(postgres, source, subscriptions, count, keys.test, emulator.url));
    }
    print(rows, postgres.label);
  } finally {
    await emulator.stop();
    await postgres?.close();
  }
}

async function runRow(
  postgres: DatabaseServer,
  source: "payload" | "refetch",
  subscriptions: Stripe.Subscription[],
  count: number,
  key: string,
  emulatorUrl: string,
): Promise<Row> {
  const dataDir = mkdtempSync(join(tmpdir(), "portico-bench-webhooks-"));
  const database = await postgres.createDatabase();
  let portico: ChildProcess | undefined;
  try {
    portico = await startPorticoProcess({
      port: PORTICO_PORT,
      emulatorUrl,
      env: {
        PORTICO_DATA_DIR: dataDir,
        DATABASE_URL: database.url,
        STRIPE_TEST_SECRET_KEY: key,
        STRIPE_WEBHOOK_SECRETS: SECRET,
        SYNC_SOURCE: source,
        PORTICO_CONFIG: join(dataDir, "no-billing-config.json"),
      },
    });
    const prefix = `evt_bench_${source}_`;
    const events = buildEvents(prefix, subscriptions, count);
    const cpuBefore = readCpuMs(portico);
    const { seconds: answered, ...result } = await send(events);
    // An event answered `queued` is applied behind its answer: the clock waits for it.
    const seconds = answered + (await waitUntilApplied(database.url, prefix));
    const cpuMsPerEvent = (readCpuMs(portico) - cpuBefore) / count;
    // Stopped first, so that nothing is still being processed when the rows are counted.
    await stopProcess(portico);
    const check = await checkExactlyOnce(database.url, prefix, events.length);
    console.log(`${source}: ${(count / seconds).toFixed(0)} events/s, ${check}`);
    return { label: source, events: count, seconds, ...result, cpuMsPerEvent, check };
  } finally {
    if (portico) await stopProcess(portico);
    await database.drop();
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

/** Each event once over CONNECTIONS connections; the run ends at the last answer. */
async function send(
  events: SignedEvent[],
): Promise<Pick<Row, "seconds" | "p50" | "p99" | "errors">> {
  const result = await sendOnce({
    url: `${APP}/api/webhooks/stripe`,
    connections: CONNECTIONS,
    requests: events.map((event) => ({
      body: event.body,
      headers: { "stripe-signature": event.signature },
    })),
  });
  return { seconds: result.seconds, p50: result.p50, p99: result.p99, errors: result.errors };
}

/** Waits until no answered event of the run is still `processing`; answers the seconds. */
async function waitUntilApplied(url: string, prefix: string): Promise<number> {
  const database = await openDatabase({ url });
  const started = performance.now();
  try {
    for (;;) {
      const { rows } = (await database.db.execute(sql`
        select count(*)::int as waiting from ${stripeEvents}
        where id like ${`${prefix}%`} and status = 'processing'`)) as unknown as {
        rows: { waiting: number }[];
      };
      if (rows[0]?.waiting === 0) return (performance.now() - started) / 1000;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    await database.close();
  }
}

/**
 * Every event stored once, processed in one attempt; every subscription at its newest event.
 * The tables are named through the schema's objects, so they carry Portico's schema
 * (`portico`, or PORTICO_DB_SCHEMA).
 */
async function checkExactlyOnce(url: string, prefix: string, expected: number): Promise<string> {
  const database = await openDatabase({ url });
  try {
    const { rows } = (await database.db.execute(sql`
      select count(*)::int as events,
             count(*) filter (where status = 'processed' and attempts = 1)::int as once
      from ${stripeEvents} where id like ${`${prefix}%`}`)) as unknown as {
      rows: { events: number; once: number }[];
    };
    // Each subscription's newest event, grouped once (a subquery per subscription would
    // scan every event's payload for each: tens of seconds).
    const newest = (await database.db.execute(sql`
      with newest as (
        select e.payload->'data'->'object'->>'id' as id, max(e.created) as created
        from ${stripeEvents} e where e.id like ${`${prefix}%`} group by 1)
      select count(*)::int as behind from ${billingSubscriptions} s
        join newest on newest.id = s.stripe_subscription_id
      where s.stripe_updated < newest.created`)) as unknown as {
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

function print(rows: Row[], database: string) {
  console.log(
    `\nwebhooks on ${database}: customer.subscription.updated over ${SUBSCRIPTIONS} subscriptions, ${CONNECTIONS} connections\n`,
  );
  console.log(
    "| mode | events | events/s | p50 ms | p99 ms | errors | server CPU ms/event | check |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---|");
  for (const r of rows) {
    console.log(
      `| ${r.label} | ${r.events} | ${(r.events / r.seconds).toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.errors} | ${r.cpuMsPerEvent.toFixed(2)} | ${r.check} |`,
    );
  }
}

await main();
