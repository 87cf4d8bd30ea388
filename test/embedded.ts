import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type Stripe from "stripe";
import { inject } from "vitest";
import { toNodeListener } from "../src/adapters/node.js";
import { createPortico, type Portico, type PorticoOptions } from "../src/index.js";
import { applyCatalogFile, EXAMPLE_BILLING_CONFIG } from "./checkout.js";
import { createTestDatabase } from "./database.js";
import {
  emulatorSdk,
  newStripeKeys,
  postEmulatorControl,
  saveDefaultPortalConfiguration,
} from "./emulator-process.js";
import { APP_URL } from "./portico.js";

/**
 * A host app with Portico embedded, as a developer wires it: the host's own session (a
 * cookie, or a bearer token for its API clients) says who the user is, and Portico's
 * handler serves `/api/billing/*` on the host's server. Stripe is a fresh emulator account
 * with the example catalog applied and its webhooks delivered to the mounted route.
 */
export interface EmbeddedHost {
  portico: Portico;
  /** The host's origin, e.g. http://127.0.0.1:41234 */
  url: string;
  stripe: Stripe;
  /** Signs a host user in: the cookie and bearer token the host's auth accepts. */
  signIn(user: { id: string; email?: string; stripeCustomerId?: string }): {
    cookie: string;
    authorization: string;
  };
  /** Waits until the emulator has delivered every webhook. */
  flushWebhooks(): Promise<void>;
  close(): Promise<void>;
}

export async function startEmbeddedHost(
  options: {
    portico?: Partial<PorticoOptions>;
    /** The plans file, applied to the emulator and given to Portico; default the example's. */
    billingConfig?: string;
  } = {},
): Promise<EmbeddedHost> {
  const emulatorUrl = inject("emulatorUrl");
  const keys = newStripeKeys();
  const stripe = emulatorSdk(keys.test, emulatorUrl);
  const billingConfig = options.billingConfig ?? EXAMPLE_BILLING_CONFIG;
  await applyCatalogFile(keys.test, emulatorUrl, billingConfig);
  await saveDefaultPortalConfiguration(emulatorUrl, keys.test);
  const endpoint = await stripe.webhookEndpoints.create({
    url: "http://127.0.0.1:9/",
    enabled_events: ["*"],
  });
  const database = await createTestDatabase();

  const sessions = new Map<string, { id: string; email?: string; stripeCustomerId?: string }>();
  let portico: Portico | undefined;
  const server: Server = createServer((request, response) => {
    if (!portico) throw new Error("not started");
    return toNodeListener(portico)(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  portico = createPortico({
    identify: (request) => {
      const bearer = /^Bearer (\S+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
      const cookie = /(?:^|; )app_session=([^;]+)/.exec(request.headers.get("cookie") ?? "")?.[1];
      return sessions.get(bearer ?? cookie ?? "") ?? null;
    },
    appUrl: APP_URL,
    database: database.url,
    migrate: true,
    billing: billingConfig,
    stripe: {
      testSecretKey: keys.test,
      apiBase: emulatorUrl,
      webhookSecret: endpoint.secret ?? "",
    },
    env: { NODE_ENV: "test", LOG_LEVEL: "silent", STRIPE_MAX_NETWORK_RETRIES: "0" },
    ...options.portico,
  });
  await portico.ready();
  await stripe.webhookEndpoints.update(endpoint.id, { url: `${url}/api/billing/webhooks/stripe` });
  await postEmulatorControl(emulatorUrl, keys.test, "webhooks/settings", {
    mode: "ordered",
    retry_base_ms: 25,
    max_attempts: 4,
  });

  const started = portico;
  return {
    portico: started,
    url,
    stripe,
    signIn(user) {
      const token = `host_${Math.random().toString(36).slice(2)}`;
      sessions.set(token, user);
      return { cookie: `app_session=${token}`, authorization: `Bearer ${token}` };
    },
    async flushWebhooks() {
      const result = (await postEmulatorControl(emulatorUrl, keys.test, "webhooks/flush")) as {
        idle: boolean;
      };
      if (!result.idle) throw new Error("emulator deliveries did not settle");
    },
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await started.close();
      await database.drop();
    },
  };
}
