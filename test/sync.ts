import { count } from "drizzle-orm";
import type Stripe from "stripe";
import { inject } from "vitest";
import type { Clock } from "../src/billing/outbox/change-dispatcher.js";
import {
  billingCustomerDetails,
  billingInvoices,
  billingPaymentMethods,
  billingSubscriptions,
  stripeEvents,
} from "../src/db/schema.js";
import { newStripeKeys, postEmulatorControl } from "./emulator-process.js";
import { emulatorSdk, startTestPortico, type TestPortico } from "./portico.js";

export { signedEvent } from "./signed-event.js";

/** Helpers for subscription-sync tests: a Portico that the emulator's webhooks reach. */

export type DeliveryMode = "ordered" | "shuffled" | "shuffled+duplicated";

export interface SyncedPortico extends TestPortico {
  /** The signing secrets of the endpoints registered for this server. */
  secrets: { test: string; live: string };
  /**
   * Answers once the emulator has delivered (and retried) every event of the mode, and
   * Portico has applied each one.
   */
  flush(mode?: "test" | "live"): Promise<void>;
  /** A `/_emulator/…` control call on this suite's account. */
  control(
    path: string,
    params?: Record<string, string | number>,
    mode?: "test" | "live",
  ): Promise<unknown>;
}

/**
 * A test Portico with a webhook endpoint for `*` in both modes of its emulator account.
 * The endpoints exist first (their secrets go into the config) and learn the server's
 * URL once it listens. Retries are fast so that a failing handler settles within a flush.
 */
export async function startSyncedPortico(
  options: { env?: Record<string, string>; deliveryMode?: DeliveryMode; clock?: Clock } = {},
): Promise<SyncedPortico> {
  const emulatorUrl = inject("emulatorUrl");
  const keys = newStripeKeys();
  const sdk = {
    test: emulatorSdk(keys.test, emulatorUrl),
    live: emulatorSdk(keys.live, emulatorUrl),
  };
  const endpoints: Record<"test" | "live", Stripe.WebhookEndpoint> = {
    test: await sdk.test.webhookEndpoints.create({
      url: "http://127.0.0.1:9/",
      enabled_events: ["*"],
    }),
    live: await sdk.live.webhookEndpoints.create({
      url: "http://127.0.0.1:9/",
      enabled_events: ["*"],
    }),
  };
  const secrets = { test: endpoints.test.secret ?? "", live: endpoints.live.secret ?? "" };
  const t = await startTestPortico({
    keys,
    ...(options.clock ? { clock: options.clock } : {}),
    env: {
      STRIPE_WEBHOOK_SECRETS: secrets.test,
      STRIPE_LIVE_WEBHOOK_SECRETS: secrets.live,
      ...options.env,
    },
  });
  for (const mode of ["test", "live"] as const) {
    await sdk[mode].webhookEndpoints.update(endpoints[mode].id, {
      url: `${t.url}/api/webhooks/stripe`,
    });
    await postEmulatorControl(emulatorUrl, keys[mode], "webhooks/settings", {
      mode: options.deliveryMode ?? "ordered",
      retry_base_ms: 25,
      max_attempts: 4,
    });
  }
  return {
    ...t,
    secrets,
    async flush(mode = "test") {
      const result = (await postEmulatorControl(emulatorUrl, keys[mode], "webhooks/flush")) as {
        idle: boolean;
      };
      if (!result.idle) throw new Error("emulator deliveries did not settle");
      // An event answered `queued` is applied just behind its answer.
      await t.portico.webhooks.settled();
    },
    control: (path, params, mode = "test") =>
      postEmulatorControl(emulatorUrl, keys[mode], path, params),
  };
}

/** Posts a body to the webhook route as Stripe would, with whatever signature the test wants. */
export function postWebhook(t: TestPortico, body: string, signature?: string) {
  return fetch(`${t.url}/api/webhooks/stripe`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(signature !== undefined ? { "stripe-signature": signature } : {}),
    },
    body,
  });
}

/** How many rows each inbox and mirror table holds: "nothing stored" means none of these moved. */
export async function countSyncRows(t: TestPortico): Promise<Record<string, number>> {
  const { db } = t.portico.database;
  const tables = {
    stripeEvents,
    billingSubscriptions,
    billingCustomerDetails,
    billingPaymentMethods,
    billingInvoices,
  };
  const counts: Record<string, number> = {};
  for (const [name, table] of Object.entries(tables)) {
    const [row] = await db.select({ n: count() }).from(table);
    counts[name] = Number(row?.n ?? 0);
  }
  return counts;
}

/** The newest event of the account, as Stripe would send it. */
export async function latestEvent(stripe: Stripe, type?: string): Promise<Stripe.Event> {
  const page = await stripe.events.list({ limit: 100 });
  const event = page.data.find((candidate) => type === undefined || candidate.type === type);
  if (!event) throw new Error(`no ${type ?? ""} event in the account`);
  return event;
}
