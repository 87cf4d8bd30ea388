import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCpuMs, startPorticoProcess, stopProcess } from "../portico-process.js";
import { withClient } from "./postgres.js";
import { freePort, startPeerServer } from "./processes.js";

/** A webhook receiver started on a fresh database for one row. */
export interface RunningReceiver {
  url: string;
  cpuMs(): number;
  /**
   * For a receiver that may answer before it applies: resolves once every answered event is
   * applied, so that the row's clock (and CPU) covers the applies.
   */
  applied?(): Promise<void>;
  stop(): Promise<void>;
}

/** What a receiver left in its database, read after it stopped. */
export interface StoredState {
  /** Events stored, and stored and applied in exactly one attempt; undefined: no event log. */
  events?: { stored: number; appliedOnce: number };
  /** Per subscription: the `created` of the event its row came from, and the item quantity. */
  subscriptions: Map<string, { created: number; quantity: number | null }>;
}

export interface WebhookTarget {
  name: string;
  start(databaseUrl: string, secret: string): Promise<RunningReceiver>;
  read(databaseUrl: string): Promise<StoredState>;
}

type SubscriptionRow = { id: string; created: string; quantity: number | null };

const bySubscription = (rows: SubscriptionRow[]) =>
  new Map(rows.map((row) => [row.id, { created: Number(row.created), quantity: row.quantity }]));

/** `POST /api/webhooks/stripe` of `portico start` (compiled), trusting the payload. */
export function porticoReceiver(emulatorUrl: string, key: string): WebhookTarget {
  return {
    name: "Portico (payload mode)",
    async start(databaseUrl, secret) {
      const dataDir = mkdtempSync(join(tmpdir(), "portico-peers-webhooks-"));
      const port = await freePort();
      const server = await startPorticoProcess({
        port,
        emulatorUrl,
        env: {
          DATABASE_URL: databaseUrl,
          PORTICO_DATA_DIR: dataDir,
          STRIPE_TEST_SECRET_KEY: key,
          STRIPE_WEBHOOK_SECRETS: secret,
          // What stripe-sync-engine and the floor do: apply the event's snapshot, no Stripe read.
          SYNC_SOURCE: "payload",
          PORTICO_CONFIG: join(dataDir, "no-billing-config.json"),
        },
      }).catch((error) => {
        rmSync(dataDir, { recursive: true, force: true });
        throw error;
      });
      return {
        url: `http://127.0.0.1:${port}/api/webhooks/stripe`,
        cpuMs: () => readCpuMs(server),
        // An event answered `queued` is `processing` until applied.
        applied: () =>
          withClient(databaseUrl, async (client) => {
            for (;;) {
              const { rows } = await client.query<{ waiting: number }>(
                "select count(*)::int as waiting from portico.stripe_events where status = 'processing'",
              );
              if (rows[0]?.waiting === 0) return;
              await new Promise((resolve) => setTimeout(resolve, 5));
            }
          }),
        async stop() {
          await stopProcess(server);
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
    read: (databaseUrl) =>
      withClient(databaseUrl, async (client) => {
        const events = await client.query<{ stored: number; once: number }>(`
          select count(*)::int as stored,
                 count(*) filter (where status = 'processed' and attempts = 1)::int as once
          from portico.stripe_events`);
        const subscriptions = await client.query<SubscriptionRow>(`
          select stripe_subscription_id as id, quantity,
                 extract(epoch from stripe_updated)::bigint as created
          from portico.billing_subscriptions`);
        const [counts] = events.rows;
        return {
          events: { stored: counts?.stored ?? 0, appliedOnce: counts?.once ?? 0 },
          subscriptions: bySubscription(subscriptions.rows),
        };
      }),
  };
}

/** supabase/stripe-sync-engine's `processWebhook` behind `node:http`. */
export const syncEngineReceiver: WebhookTarget = {
  name: "stripe-sync-engine",
  async start(databaseUrl, secret) {
    const server = await startPeerServer("sync-engine.js", {
      DATABASE_URL: databaseUrl,
      STRIPE_WEBHOOK_SECRET: secret,
    });
    return { url: server.url, cpuMs: () => readCpuMs(server.child), stop: server.stop };
  },
  // It keeps no event log: only the objects, each with the time of the event that wrote it.
  read: (databaseUrl) =>
    withClient(databaseUrl, async (client) => {
      const { rows } = await client.query<SubscriptionRow>(`
        select s.id, extract(epoch from s.last_synced_at)::bigint as created,
               (select i.quantity from stripe.subscription_items i
                where i.subscription = s.id and not i.deleted limit 1) as quantity
        from stripe.subscriptions s`);
      return { subscriptions: bySubscription(rows) };
    }),
};

/** `servers/hmac-floor.js`: one HMAC and one statement per event. */
export const floorReceiver: WebhookTarget = {
  name: "floor: HMAC + one transaction",
  async start(databaseUrl, secret) {
    const server = await startPeerServer("hmac-floor.js", {
      DATABASE_URL: databaseUrl,
      STRIPE_WEBHOOK_SECRET: secret,
    });
    return { url: server.url, cpuMs: () => readCpuMs(server.child), stop: server.stop };
  },
  read: (databaseUrl) =>
    withClient(databaseUrl, async (client) => {
      const events = await client.query<{ stored: number }>(
        "select count(*)::int as stored from events",
      );
      const { rows } = await client.query<SubscriptionRow>(
        "select id, event_created as created, quantity from subscriptions",
      );
      // The primary key stores an event once; the upsert runs only for a newly stored one.
      const stored = events.rows[0]?.stored ?? 0;
      return { events: { stored, appliedOnce: stored }, subscriptions: bySubscription(rows) };
    }),
};
