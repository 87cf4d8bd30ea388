import { readFileSync } from "node:fs";
import type Stripe from "stripe";
import { serviceViewOf } from "../../src/server.js";
import { applyCatalog, settleSetupCheck } from "../checkout.js";
import { newStripeKeys, postEmulatorControl } from "../emulator-process.js";
import { APP_URL, emulatorSdk, startTestPortico, type TestPortico } from "../portico.js";
import type { SyncedPortico } from "../sync.js";
import {
  CHAOS_BILLING_CONFIG,
  CHAOS_ENV,
  type ChaosWorld,
  type ChaosWorldOptions,
  completeChaosWorld,
} from "./chaos-world.js";

/**
 * Chaos worlds that share one server (and its sibling): one per project, each
 * on its own emulator account, with the chaos billing file as the project's own and its
 * account's endpoints pointed at the project's webhook URL through its own proxy.
 */
export async function startProjectChaosWorlds(
  options: ChaosWorldOptions & { projects: string[] },
): Promise<{ worlds: ChaosWorld[]; close(): Promise<void> }> {
  const [mainSource = "refetch", ...siblingSources] = options.sources;
  const server = await startTestPortico({
    projects: true,
    env: { ...CHAOS_ENV, SYNC_SOURCE: mainSource },
  });
  const servers: TestPortico[] = [server];
  const worlds: ChaosWorld[] = [];
  const closeAll = async () => {
    for (const world of worlds) await world.close();
    for (const instance of servers.toReversed()) await instance.close();
  };
  try {
    for (const source of siblingSources) {
      servers.push(
        await startTestPortico({
          sibling: server,
          projects: true,
          env: { ...CHAOS_ENV, SYNC_SOURCE: source },
        }),
      );
    }
    const billing = JSON.parse(readFileSync(CHAOS_BILLING_CONFIG, "utf8")) as unknown;
    for (const id of options.projects) {
      const keys = newStripeKeys();
      const secrets = await createWebhookEndpoints(server.emulatorUrl, keys);
      const service = server.portico.projects?.service;
      if (!service) throw new Error("the server hosts no projects");
      await service.create({ id, name: id });
      await service.setKeys(id, {
        testSecretKey: keys.test,
        liveSecretKey: keys.live,
        testWebhookSecrets: [secrets.test],
        liveWebhookSecrets: [secrets.live],
      });
      await service.setConfig(id, { billing, returnOrigins: [APP_URL] });
      const facades = await Promise.all(
        servers.map((instance) => projectFacade(instance, id, keys, secrets)),
      );
      const [main] = facades as [SyncedPortico];
      await applyCatalog(main);
      for (const facade of facades) await settleSetupCheck(facade);
      worlds.push(
        await completeChaosWorld({
          main,
          instances: servers,
          webhookPath: `/api/v1/payments/stripe/webhooks/${id}/test`,
          options: { ...options, random: options.random.fork(id) },
          projectId: id,
          // The servers are shared: they close with the last world.
          close: async () => {},
        }),
      );
    }
    return { worlds, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

async function createWebhookEndpoints(emulatorUrl: string, keys: { test: string; live: string }) {
  const secret = async (key: string) => {
    const endpoint: Stripe.WebhookEndpoint = await emulatorSdk(
      key,
      emulatorUrl,
    ).webhookEndpoints.create({ url: "http://127.0.0.1:9/", enabled_events: ["*"] });
    return endpoint.secret ?? "";
  };
  return { test: await secret(keys.test), live: await secret(keys.live) };
}

/**
 * One instance as the chaos scripts see a single-tenant Portico, but of the project: its
 * account's keys and SDK clients, and its runtime's database, catalog and setup check.
 * Requests still go to the instance's URL; the customers' tokens name the project.
 */
async function projectFacade(
  instance: TestPortico,
  projectId: string,
  keys: { test: string; live: string },
  secrets: { test: string; live: string },
): Promise<SyncedPortico> {
  const runtime = await instance.portico.projects?.runtimes.get(projectId);
  if (!runtime) throw new Error(`project ${projectId} did not start`);
  const { core } = runtime;
  const control: SyncedPortico["control"] = (path, params, mode = "test") =>
    postEmulatorControl(instance.emulatorUrl, keys[mode], path, params);
  return {
    ...instance,
    keys,
    stripe: {
      test: emulatorSdk(keys.test, instance.emulatorUrl),
      live: emulatorSdk(keys.live, instance.emulatorUrl),
    },
    portico: {
      ...instance.portico,
      ...serviceViewOf(core),
      billingConfig: runtime.billingConfig,
    },
    secrets,
    async flush(mode = "test") {
      const result = (await control("webhooks/flush", {}, mode)) as { idle: boolean };
      if (!result.idle) throw new Error("emulator deliveries did not settle");
      await core.webhooks.settled();
    },
    control,
    close: async () => {},
  };
}
