import { randomBytes } from "node:crypto";
import { signWebhookPayload } from "../../src/stripe/webhooks.js";
import { createMonthlyPrice } from "../../test/emulator-process.js";
import { signedEvent } from "../../test/signed-event.js";
import { type LoadResult, sendOnce } from "../load.js";
import type { EmulatorStripe } from "./portal-targets.js";
import { createDatabase } from "./postgres.js";
import { checkCell, cpuCell, median, range, ratio, rounds, table } from "./report.js";
import type { StoredState, WebhookTarget } from "./webhook-targets.js";

export interface WebhookOptions {
  admin: string;
  rounds: number;
  events: number;
  subscriptions: number;
  senders: number[];
  postgresCpuMs: (() => number) | undefined;
}

interface Measured {
  result: LoadResult;
  serverCpuMsPerEvent: number;
  postgresCpuMsPerEvent: number | undefined;
  stored: number | undefined;
  check: string;
}

type Subscription = Awaited<ReturnType<EmulatorStripe["subscriptions"]["create"]>>;
type Expected = Map<string, { created: number; quantity: number }>;

/**
 * The same signed bodies to every receiver, each row on a fresh database and a freshly
 * started receiver; round after round, for each number of senders, each receiver in turn.
 */
export async function runWebhookScenario(
  stripe: EmulatorStripe,
  targets: WebhookTarget[],
  options: WebhookOptions,
): Promise<string> {
  const secret = `whsec_peers${randomBytes(12).toString("hex")}`;
  const subscriptions = await createSubscriptions(stripe, options.subscriptions);
  const { bodies, expected } = buildEvents(secret, subscriptions, options.events);
  const rows = new Map<string, Measured[]>();
  for (let round = 1; round <= options.rounds; round++) {
    for (const senders of options.senders) {
      for (const target of targets) {
        const row = await runRow(target, senders, bodies, expected, secret, options);
        const key = `${senders} ${target.name}`;
        rows.set(key, [...(rows.get(key) ?? []), row]);
        console.error(
          `webhooks round ${round}, ${senders} senders, ${target.name}: ` +
            `${(row.result.requests / row.result.seconds).toFixed(0)} events/s, ` +
            `server CPU ${row.serverCpuMsPerEvent.toFixed(2)} ms/event, ${row.check}`,
        );
      }
    }
  }
  return printWebhooks(targets, rows, options);
}

async function runRow(
  target: WebhookTarget,
  senders: number,
  bodies: string[],
  expected: Expected,
  secret: string,
  options: WebhookOptions,
): Promise<Measured> {
  const database = await createDatabase(options.admin, `webhooks_${target.name.slice(0, 12)}`);
  try {
    const receiver = await target.start(database.url, secret);
    let result: LoadResult;
    let serverCpu: number;
    let postgresCpu: number | undefined;
    try {
      // Signed now: the bodies are the same for every row, their signatures are not stale.
      const requests = bodies.map((body) => ({
        body,
        headers: { "stripe-signature": signWebhookPayload(body, secret) },
      }));
      const server = receiver.cpuMs();
      const postgres = options.postgresCpuMs?.();
      const answered = await sendOnce({ url: receiver.url, connections: senders, requests });
      const applying = performance.now();
      await receiver.applied?.();
      result = { ...answered, seconds: answered.seconds + (performance.now() - applying) / 1000 };
      serverCpu = receiver.cpuMs() - server;
      const postgresAfter = options.postgresCpuMs?.();
      postgresCpu =
        postgres === undefined || postgresAfter === undefined
          ? undefined
          : postgresAfter - postgres;
    } finally {
      await receiver.stop();
    }
    const state = await target.read(database.url);
    return {
      result,
      serverCpuMsPerEvent: serverCpu / bodies.length,
      postgresCpuMsPerEvent: postgresCpu === undefined ? undefined : postgresCpu / bodies.length,
      stored: state.events?.stored,
      check: checkState(state, expected, bodies.length, result),
    };
  } finally {
    await database.drop();
  }
}

/** Every event stored and applied once (where a log is kept); every subscription at its newest event. */
function checkState(
  state: StoredState,
  expected: Expected,
  events: number,
  result: LoadResult,
): string {
  const problems: string[] = [];
  if (result.errors) problems.push(`${result.errors} errors`);
  if (state.events && state.events.stored !== events) {
    problems.push(`${state.events.stored} of ${events} events stored`);
  }
  if (state.events && state.events.appliedOnce !== events) {
    problems.push(`${state.events.appliedOnce} of ${events} applied in one attempt`);
  }
  let behind = 0;
  for (const [id, newest] of expected) {
    const row = state.subscriptions.get(id);
    if (row?.created !== newest.created || row.quantity !== newest.quantity) behind++;
  }
  if (behind)
    problems.push(`${behind} of ${expected.size} subscriptions not at their newest event`);
  if (state.subscriptions.size !== expected.size) {
    problems.push(`${state.subscriptions.size} subscription rows for ${expected.size}`);
  }
  return problems.length ? problems.join(", ") : "ok";
}

async function createSubscriptions(stripe: EmulatorStripe, count: number) {
  const price = await createMonthlyPrice(stripe, "Peers bench", 1000);
  const subscriptions: Subscription[] = [];
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

/**
 * Event i is the (i div n)-th update of subscription i mod n: `created` one second later than
 * that subscription's previous event and the item's quantity one higher, so the newest event
 * is known and visible in the stored row. Sent in a fixed shuffled order, the same for every
 * receiver, so older events often arrive after newer ones and must be skipped.
 */
function buildEvents(secret: string, subscriptions: Subscription[], count: number) {
  const base = Math.floor(Date.now() / 1000) - 3600;
  const expected: Expected = new Map();
  const bodies = Array.from({ length: count }, (_, i) => {
    const subscription = subscriptions[i % subscriptions.length] as Subscription;
    const update = Math.floor(i / subscriptions.length);
    const created = base + update;
    const [item, ...rest] = subscription.items.data;
    const object = {
      ...subscription,
      metadata: { ...subscription.metadata, bench_update: String(update) },
      items: { ...subscription.items, data: [{ ...item, quantity: update + 1 }, ...rest] },
    };
    expected.set(subscription.id, { created, quantity: update + 1 });
    return signedEvent(secret, {
      id: `evt_peers_${i}`,
      type: "customer.subscription.updated",
      created,
      object,
    }).body;
  });
  return { bodies: shuffle(bodies, 19), expected };
}

/** Fisher–Yates with a seeded generator (mulberry32): the same order on every run. */
function shuffle<T>(values: T[], seed: number): T[] {
  const shuffled = [...values];
  let state = seed;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j] as T, shuffled[i] as T];
  }
  return shuffled;
}

function printWebhooks(
  targets: WebhookTarget[],
  rows: Map<string, Measured[]>,
  options: WebhookOptions,
): string {
  const sections = options.senders.map((senders) => {
    const of = (target: WebhookTarget) => rows.get(`${senders} ${target.name}`) ?? [];
    const rate = (measured: Measured[]) =>
      measured.map((row) => row.result.requests / row.result.seconds);
    const portico = median(rate(of(targets[0] as WebhookTarget)));
    const floor = median(rate(of(targets[targets.length - 1] as WebhookTarget)));
    const body = targets.map((target, i) => {
      const measured = of(target);
      const value = median(rate(measured));
      const stored = measured.map((row) => row.stored);
      return [
        target.name,
        value.toFixed(0),
        range(rate(measured), 0),
        ratio(value, portico, i === 0),
        ratio(value, floor, i === targets.length - 1),
        cpuCell(measured.map((row) => row.serverCpuMsPerEvent)),
        cpuCell(measured.map((row) => row.postgresCpuMsPerEvent)),
        median(measured.map((row) => row.result.p50)).toFixed(1),
        median(measured.map((row) => row.result.p99)).toFixed(1),
        String(measured.reduce((sum, row) => sum + row.result.errors, 0)),
        stored.every((value) => value === undefined) ? "none kept" : range(stored.map(Number), 0),
        checkCell(measured.map((row) => row.check)),
      ];
    });
    return [
      `### Webhooks: ${options.events} events over ${options.subscriptions} subscriptions, ${senders} senders (${rounds(options.rounds)}, medians)`,
      "",
      table(
        [
          "receiver",
          "events/s",
          "min–max",
          "vs Portico",
          "vs floor",
          "server CPU ms/event",
          "PostgreSQL CPU ms/event",
          "p50 ms",
          "p99 ms",
          "errors",
          "events stored",
          "check: applied once, newest state",
        ],
        [false, true, true, true, true, true, true, true, true, true, true, false],
        body,
      ),
    ].join("\n");
  });
  return sections.join("\n\n");
}
