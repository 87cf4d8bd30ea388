import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type Stripe from "stripe";
import { applyCatalog, settleSetupCheck } from "../checkout.js";
import { clearEmulatorFaults } from "../emulator-process.js";
import { startTestPortico, type TestPortico } from "../portico.js";
import { type SyncedPortico, startSyncedPortico } from "../sync.js";
import { type ClockGate, createClockGate } from "./clock-gate.js";
import { type DeliveryProxy, startDeliveryProxy } from "./delivery-proxy.js";
import type { Random } from "./random.js";

/**
 * Everything the chaos test runs against: one or two Portico instances on one database,
 * the proxy that spreads (and refuses) the emulator's deliveries between them, and the
 * catalog of the chaos billing file (the example's plans and a per-seat Team plan) applied
 * to the account.
 */

/** The example billing file's plans and portal, plus a per-seat plan for the organizations. */
export const CHAOS_BILLING_CONFIG = fileURLToPath(
  new URL("./chaos.portico.config.json", import.meta.url),
);

/** A per-seat plan's bounds, as the billing file states them. */
export interface SeatBounds {
  minimum: number;
  maximum: number;
}

export interface ChaosWorld {
  /** The instance whose SDK clients and control calls the test uses. */
  main: SyncedPortico;
  /** The hosted project the world runs in; undefined: the server's own billing. */
  projectId?: string;
  instances: TestPortico[];
  proxy: DeliveryProxy;
  /** The account's prices of plans billed once per subscription (`starter_monthly`, …): users'. */
  prices: Stripe.Price[];
  /** The per-seat plan's prices (`team_monthly`, `team_annual`): organizations'. */
  seatPrices: Stripe.Price[];
  /** The per-seat plan's seats. */
  seats: SeatBounds;
  /** Lookup key to plan key, read from the billing file itself rather than from Portico. */
  planByLookupKey: Map<string, string>;
  /** Keeps clock advances from expiring checkout sessions mid-payment. */
  clockGate: ClockGate;
  /** Makes a share of the Stripe reads Portico does while syncing answer 500. */
  failPorticoReads(rate: number): Promise<void>;
  clearFaults(): Promise<void>;
  /** Waits (up to `timeoutMs`) until the emulator has nothing queued, in flight or to retry. */
  flushDeliveries(timeoutMs: number): Promise<{ idle: boolean; pending: number }>;
  close(): Promise<void>;
}

export interface ChaosWorldOptions {
  /** One `SYNC_SOURCE` per instance; the instances share the first one's database. */
  sources: readonly ("refetch" | "payload")[];
  /** Share of deliveries the proxy answers 503 without forwarding. */
  refuseRate: number;
  random: Random;
  /** Settings for every instance over `CHAOS_ENV` (e.g. the retry worker on). */
  env?: Record<string, string>;
}

function readBillingFile() {
  const file = JSON.parse(readFileSync(CHAOS_BILLING_CONFIG, "utf8")) as {
    plans: {
      key: string;
      seats?: SeatBounds;
      prices?: Record<string, { lookup_key?: string } | string | number>;
    }[];
  };
  const planByLookupKey = new Map<string, string>();
  for (const plan of file.plans) {
    for (const price of Object.values(plan.prices ?? {})) {
      if (typeof price === "object" && price.lookup_key)
        planByLookupKey.set(price.lookup_key, plan.key);
    }
  }
  const seatPlans = file.plans.filter((plan) => plan.seats);
  const [seatPlan] = seatPlans;
  if (!seatPlan?.seats || seatPlans.length !== 1) throw new Error("want one per-seat plan");
  return { planByLookupKey, seatPlan: { key: seatPlan.key, seats: seatPlan.seats } };
}

/**
 * The portal configuration the catalog applied must let a customer change the per-seat
 * plan's quantity: the test's direct quantity changes stand for what the portal allows.
 */
async function checkPortalAllowsQuantity(stripe: Stripe, productId: string) {
  const configurations = await stripe.billingPortal.configurations.list({ limit: 100 });
  const allows = configurations.data.some((configuration) => {
    const update = configuration.features.subscription_update;
    return (
      update.enabled &&
      update.default_allowed_updates.includes("quantity") &&
      update.products?.some(
        (product) => product.product === productId && product.adjustable_quantity?.enabled,
      )
    );
  });
  if (!allows) throw new Error(`no portal configuration adjusts the quantity of ${productId}`);
}

/**
 * No background retry worker: recovery must come from Stripe's redelivery alone. Seat
 * changes share checkout's rate limit, and the chaos is about sync, not that limit.
 */
export const CHAOS_ENV = {
  PORTICO_CONFIG: CHAOS_BILLING_CONFIG,
  WEBHOOK_RETRY_INTERVAL_MS: "0",
  RATE_LIMIT_CHECKOUT: "100000/60s",
};

export async function startChaosWorld(options: ChaosWorldOptions): Promise<ChaosWorld> {
  const [mainSource = "refetch", ...siblingSources] = options.sources;
  const main = await startSyncedPortico({
    deliveryMode: "shuffled+duplicated",
    env: { ...CHAOS_ENV, ...options.env, SYNC_SOURCE: mainSource },
  });
  const instances: TestPortico[] = [main];
  // The sibling first: the main instance drops the shared database when it closes.
  const closeAll = async () => {
    for (const instance of instances.toReversed()) await instance.close();
  };
  try {
    await applyCatalog(main);
    for (const source of siblingSources) {
      instances.push(
        await startTestPortico({
          sibling: main,
          env: {
            ...CHAOS_ENV,
            ...options.env,
            SYNC_SOURCE: source,
            STRIPE_WEBHOOK_SECRETS: main.secrets.test,
            STRIPE_LIVE_WEBHOOK_SECRETS: main.secrets.live,
          },
        }),
      );
    }
    // As after a deploy whose catalog was applied first: each instance has checked the
    // setup since, so it knows the plans' price ids. Without that, a per-seat subscription
    // whose webhook is still on its way is not recognised as one (its seats would not
    // follow a membership change, and POST /seats would answer 409).
    for (const instance of instances) await settleSetupCheck(instance);
    return await completeChaosWorld({
      main,
      instances,
      webhookPath: "/api/webhooks/stripe",
      options,
      close: closeAll,
    });
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * The rest of a world once its instances run and know the catalog: the proxy in front of
 * them, the account's endpoints pointed at it (`webhookPath` on every instance), fast and
 * many retries, and the plans' prices.
 */
export async function completeChaosWorld(input: {
  main: SyncedPortico;
  instances: TestPortico[];
  webhookPath: string;
  options: Pick<ChaosWorldOptions, "refuseRate" | "random">;
  projectId?: string;
  close(): Promise<void>;
}): Promise<ChaosWorld> {
  const { main, instances, options } = input;
  const proxy = await startDeliveryProxy({
    targets: instances.map((instance) => instance.url),
    refuseRate: options.refuseRate,
    random: options.random.fork("proxy").next,
  });
  const stripe = main.stripe.test;
  const endpoints = await stripe.webhookEndpoints.list({ limit: 100 });
  for (const endpoint of endpoints.data) {
    await stripe.webhookEndpoints.update(endpoint.id, {
      url: `${proxy.url}${input.webhookPath}`,
    });
  }
  // Quick retries, and enough of them that a delivery refused or failed several times
  // in a row still lands: recovery must come from redelivery alone. A long timeout:
  // a delivery Stripe gave up on while it was still being applied, whose copy was then
  // answered 200 as a duplicate, would only be recovered by the retry worker if it failed.
  await main.control("webhooks/settings", {
    mode: "shuffled+duplicated",
    retry_base_ms: 20,
    max_attempts: 30,
    timeout_ms: 60_000,
  });
  const { planByLookupKey, seatPlan } = readBillingFile();
  const planPrices = (await stripe.prices.list({ active: true, limit: 100 })).data.filter(
    (price) => price.lookup_key !== null && planByLookupKey.has(price.lookup_key),
  );
  const isSeatPrice = (price: Stripe.Price) =>
    planByLookupKey.get(price.lookup_key ?? "") === seatPlan.key;
  const prices = planPrices.filter((price) => !isSeatPrice(price));
  const seatPrices = planPrices.filter(isSeatPrice);
  if (prices.length < 2 || seatPrices.length < 2) {
    throw new Error("the catalog has fewer than two prices for users or for seats");
  }
  await checkPortalAllowsQuantity(stripe, String(seatPrices[0]?.product));

  return {
    main,
    ...(input.projectId ? { projectId: input.projectId } : {}),
    instances,
    proxy,
    prices,
    seatPrices,
    seats: seatPlan.seats,
    planByLookupKey,
    clockGate: createClockGate(),
    // Only retrieves by id (`/v1/<type>/<id>`) are Portico's: the test reads through list
    // endpoints (`/v1/<type>?customer=`), so its own reads never meet the fault.
    failPorticoReads: async (rate) => {
      await main.control("faults", { kind: "api_error", method: "GET", path: "/v1/*/*", rate });
    },
    clearFaults: () => clearEmulatorFaults(main.emulatorUrl, main.keys.test),
    async flushDeliveries(timeoutMs) {
      const flushed = (await main.control("webhooks/flush", { timeout_ms: timeoutMs })) as {
        idle: boolean;
        pending: number;
      };
      // Events answered `queued` are applied just behind their answers.
      for (const instance of instances) await instance.portico.webhooks.settled();
      return flushed;
    },
    async close() {
      await proxy.close();
      await input.close();
    },
  };
}
