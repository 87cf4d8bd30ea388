import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChaosWorld, startChaosWorld } from "../../../test/chaos/chaos-world.js";
import { diffSeatView } from "../../../test/chaos/compare-seats.js";
import { type ComparedRows, diffCustomerState } from "../../../test/chaos/compare-state.js";
import { type ChaosPlan, runChaosCustomers } from "../../../test/chaos/customer-script.js";
import {
  listAccountEventIds,
  listInboxRows,
  SETTLED_STATUSES,
  waitForSettledInbox,
} from "../../../test/chaos/inbox.js";
import { chaosSeed, createRandom } from "../../../test/chaos/random.js";
import { TEST_ENGINES } from "../../../test/database.js";

/**
 * Chaos: fifty customers, users and organizations, change their subscriptions at once (an
 * organization buys a per-seat plan and changes its seats through Portico, in Stripe as the
 * portal does, and by adding and removing members) while Stripe delivers every
 * event shuffled, some two or three times, through a balancer that refuses one delivery in
 * ten, to one of two instances on one PostgreSQL (one instance on PGlite), while one in ten
 * of Portico's reads from Stripe fails. Recovery comes from Stripe's redelivery alone: this
 * test needs no background retry worker. At the end every customer's local rows equal
 * Stripe's objects, field by field, under its subject (the user, or the organization with
 * no user); each organization's subscription view shows Stripe's seats; and the inbox
 * holds each event once, processed or ignored.
 *
 * Replay a run's plan with `CHAOS_SEED=<seed>` (printed first). The plan replays; the
 * interleaving does not (the emulator shuffles with its own randomness).
 */

const SEED = chaosSeed();
const PLAN: ChaosPlan = {
  customers: 50,
  organizationShare: 0.3,
  minActions: 4,
  maxActions: 14,
  checkoutShare: 0.2,
  concurrency: 8,
};
const REFUSED_DELIVERIES = 0.1;
const FAILED_STRIPE_READS = 0.1;
/**
 * One `SYNC_SOURCE` per instance. With `refetch` alone a lost watermark would go unseen:
 * under the customer's lock every event reads Stripe's current object, so whichever event
 * is applied last writes the right state. `payload` writes what the event carries, so only
 * the watermark and the tie rule stop an older event from having the last word.
 */
const SOURCES_BY_ENGINE = {
  postgres: ["refetch", "payload"],
  pglite: ["payload"],
} as const;

describe.each(TEST_ENGINES)("subscription sync under chaos (%s)", (engine) => {
  const random = createRandom(SEED).fork(engine);
  const sources = SOURCES_BY_ENGINE[engine];
  let world: ChaosWorld;
  beforeAll(async () => {
    world = await startChaosWorld({ engine, sources, refuseRate: REFUSED_DELIVERIES, random });
  });
  afterAll(() => world?.close());

  it("ends with every customer's local state equal to Stripe's", { timeout: 180_000 }, async () => {
    console.info(`[chaos ${engine}] seed ${SEED} (replay with CHAOS_SEED=${SEED})`);
    const started = performance.now();
    const { main, proxy } = world;
    const db = main.portico.database.db;

    await world.failPorticoReads(FAILED_STRIPE_READS);
    const customers = await runChaosCustomers(world, random, PLAN);
    const actionsDone = performance.now();
    expect(await world.flushDeliveries(120_000)).toEqual({ idle: true, pending: 0 });
    const statuses = await waitForSettledInbox(db, 30_000);
    const settled = performance.now();
    await world.clearFaults();

    const compared: ComparedRows = {
      subscriptions: 0,
      customers: 0,
      links: 0,
      paymentMethods: 0,
      invoices: 0,
    };
    const differences: string[] = [];
    for (const customer of customers) {
      const result = await diffCustomerState(main, customer, world.planByLookupKey);
      const view = await diffSeatView(world, customer);
      differences.push(
        ...[...result.differences, ...view].map((line) => `${line} [${customer.log.join(" ")}]`),
      );
      for (const table of Object.keys(compared) as (keyof ComparedRows)[]) {
        compared[table] += result.compared[table];
      }
    }
    expect(differences).toEqual([]);
    // Every membership change moved a live per-seat subscription to the member count.
    const organizations = customers.flatMap((customer) => customer.organization ?? []);
    expect(organizations.flatMap((organization) => organization.mismatches)).toEqual([]);

    // The inbox: each of the account's events exactly once, and none left to process.
    const eventIds = await listAccountEventIds(main.stripe.test);
    const inbox = await listInboxRows(db);
    expect(inbox.map((row) => row.id).sort()).toEqual([...eventIds].sort());
    const unsettled = Object.entries(statuses).filter(
      ([status]) => !SETTLED_STATUSES.includes(status),
    );
    expect(unsettled).toEqual([]);

    // The chaos did happen: refusals, failed handlers, copies, every instance used.
    const { stats } = proxy;
    expect(stats.refused).toBeGreaterThan(0);
    expect(stats.answers[500] ?? 0).toBeGreaterThan(0);
    expect(stats.received).toBeGreaterThan(stats.eventIds.size);
    for (const forwarded of stats.forwarded) expect(forwarded).toBeGreaterThan(0);
    const actions = customers.flatMap((customer) => customer.log);
    const rejected = customers.flatMap((customer) => customer.rejected);
    expect(rejected.length, rejected.join("\n")).toBeLessThan(actions.length * 0.1);
    expect(compared.subscriptions).toBeGreaterThanOrEqual(PLAN.customers);
    // Both kinds of subject ran, and organizations did change their seats.
    expect(organizations.length).toBeGreaterThan(0);
    expect(organizations.length).toBeLessThan(customers.length);
    expect(actions.filter((name) => name === "setSeats").length).toBeGreaterThan(0);

    const figures = {
      seconds: {
        actions: Math.round((actionsDone - started) / 1000),
        settle: Math.round((settled - actionsDone) / 1000),
      },
      customers: customers.length,
      organizations: organizations.length,
      actions: countBy(actions),
      rejected,
      events: eventIds.length,
      inbox: statuses,
      reprocessed: inbox.filter((row) => row.attempts > 1).length,
      deliveries: { ...stats, eventIds: stats.eventIds.size },
      compared,
      sources,
    };
    console.info(`[chaos ${engine}] ${JSON.stringify(figures)}`);
  });
});

function countBy(names: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}
