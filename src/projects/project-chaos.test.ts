import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChaosWorld } from "../../test/chaos/chaos-world.js";
import { type ChaosPlan, runChaosCustomers } from "../../test/chaos/customer-script.js";
import { startProjectChaosWorlds } from "../../test/chaos/project-worlds.js";
import { chaosSeed, createRandom } from "../../test/chaos/random.js";
import { verifyChaosWorld } from "../../test/chaos/verify-world.js";

/**
 * The chaos test (src/billing/sync/chaos.test.ts) in two projects of one server at once:
 * each project's customers act on its own Stripe account, while each account delivers its
 * events shuffled and duplicated through a balancer that refuses some, to the project's own
 * webhook URL on one of the instances, and a share of each project's Stripe reads fail.
 * Each project converges on its own account: its rows equal its account's objects, and its
 * inbox holds exactly its account's events.
 *
 * Replay a run's plan with `CHAOS_SEED=<seed>`.
 */

const SEED = chaosSeed();
const PLAN: ChaosPlan = {
  customers: 16,
  organizationShare: 0.3,
  minActions: 4,
  maxActions: 10,
  checkoutShare: 0.2,
  concurrency: 4,
};
const SOURCES = ["refetch", "payload"] as const;

describe("subscription sync under chaos in two projects", () => {
  // The label the plan's randomness has always been forked under, so that seeds replay.
  const random = createRandom(SEED).fork("projects-postgres");
  let hosted: { worlds: ChaosWorld[]; close(): Promise<void> };
  beforeAll(async () => {
    hosted = await startProjectChaosWorlds({
      sources: SOURCES,
      refuseRate: 0.1,
      random,
      projects: ["alpha", "beta"],
    });
  });
  afterAll(() => hosted?.close());

  it("converges in each project on that project's own account", { timeout: 240_000 }, async () => {
    console.info(`[project chaos] seed ${SEED} (replay with CHAOS_SEED=${SEED})`);
    const { worlds } = hosted;
    for (const world of worlds) await world.failPorticoReads(0.1);
    const customers = await Promise.all(
      worlds.map((world) => runChaosCustomers(world, random.fork(world.projectId ?? ""), PLAN)),
    );
    for (const [index, world] of worlds.entries()) {
      const figures = await verifyChaosWorld(world, customers[index] ?? [], {
        minSubscriptions: PLAN.customers,
        expectSeatChanges: false,
      });
      console.info(`[project chaos] ${world.projectId} ${JSON.stringify(figures)}`);
    }
    // No customer of one project was ever linked in the other.
    const [alpha, beta] = customers;
    const alphaIds = new Set(alpha?.map((customer) => customer.customerId));
    expect(beta?.filter((customer) => alphaIds.has(customer.customerId))).toEqual([]);
  });
});
