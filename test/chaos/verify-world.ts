import { expect } from "vitest";
import type { ChaosWorld } from "./chaos-world.js";
import { diffSeatView } from "./compare-seats.js";
import { type ComparedRows, diffCustomerState } from "./compare-state.js";
import type { ChaosCustomer } from "./customer.js";
import {
  listAccountEventIds,
  listInboxRows,
  SETTLED_STATUSES,
  waitForSettledInbox,
} from "./inbox.js";

/**
 * The chaos test's end state, for one world (the server's billing, or one project's): every
 * delivery settled; every customer's local rows equal to Stripe's objects, field by field,
 * under its subject; each organization's subscription view showing Stripe's seats; the inbox
 * holding each of the account's events once, processed or ignored; and proof that the chaos
 * did happen. Answers the run's figures.
 */
export async function verifyChaosWorld(
  world: ChaosWorld,
  customers: ChaosCustomer[],
  options: {
    minSubscriptions: number;
    /**
     * That organizations ran and changed their seats: the full chaos test's coverage. A
     * smaller run (the projects' two worlds) may by chance have no seat change; it proves
     * convergence, not coverage.
     */
    expectSeatChanges?: boolean;
  },
) {
  const { main, proxy } = world;
  const db = main.portico.database.db;
  const settleStarted = performance.now();
  expect(await world.flushDeliveries(120_000)).toEqual({ idle: true, pending: 0 });
  const statuses = await waitForSettledInbox(db, 30_000);
  const settleSeconds = Math.round((performance.now() - settleStarted) / 1000);
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
  expect(compared.subscriptions).toBeGreaterThanOrEqual(options.minSubscriptions);
  if (options.expectSeatChanges ?? true) {
    // Both kinds of subject ran, and organizations did change their seats.
    expect(organizations.length).toBeGreaterThan(0);
    expect(organizations.length).toBeLessThan(customers.length);
    expect(actions.filter((name) => name === "setSeats").length).toBeGreaterThan(0);
  }

  return {
    settleSeconds,
    customers: customers.length,
    organizations: organizations.length,
    actions: countBy(actions),
    rejected,
    events: eventIds.length,
    inbox: statuses,
    reprocessed: inbox.filter((row) => row.attempts > 1).length,
    deliveries: { ...stats, eventIds: stats.eventIds.size },
    compared,
  };
}

function countBy(names: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}
