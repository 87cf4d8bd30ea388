import { afterAll, beforeAll, describe, it } from "vitest";
import { type ChaosWorld, startChaosWorld } from "../../../test/chaos/chaos-world.js";
import { type ChaosPlan, runChaosCustomers } from "../../../test/chaos/customer-script.js";
import { chaosSeed, createRandom } from "../../../test/chaos/random.js";
import { verifyChaosWorld } from "../../../test/chaos/verify-world.js";

/**
 * Chaos: fifty customers, users and organizations, change their subscriptions at once (an
 * organization buys a per-seat plan and changes its seats through Portico, in Stripe as the
 * portal does, and by adding and removing members) while Stripe delivers every
 * event shuffled, some two or three times, through a balancer that refuses one delivery in
 * ten, to one of two instances on one PostgreSQL, while one in ten
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
const SOURCES = ["refetch", "payload"] as const;

describe("subscription sync under chaos", () => {
  // The label the plan's randomness has always been forked under, so that seeds replay.
  const random = createRandom(SEED).fork("postgres");
  let world: ChaosWorld;
  beforeAll(async () => {
    world = await startChaosWorld({ sources: SOURCES, refuseRate: REFUSED_DELIVERIES, random });
  });
  afterAll(() => world?.close());

  it("ends with every customer's local state equal to Stripe's", { timeout: 180_000 }, async () => {
    console.info(`[chaos] seed ${SEED} (replay with CHAOS_SEED=${SEED})`);
    const started = performance.now();
    await world.failPorticoReads(FAILED_STRIPE_READS);
    const customers = await runChaosCustomers(world, random, PLAN);
    const actionSeconds = Math.round((performance.now() - started) / 1000);
    const figures = await verifyChaosWorld(world, customers, { minSubscriptions: PLAN.customers });
    console.info(`[chaos] ${JSON.stringify({ actionSeconds, ...figures, sources: SOURCES })}`);
  });
});
