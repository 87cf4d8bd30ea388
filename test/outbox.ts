import type { Clock } from "../src/billing/outbox/change-dispatcher.js";
import type { DeliveryListing } from "../src/db/webhook-deliveries.js";
import { listDeliveries } from "../src/db/webhook-deliveries.js";
import { newEncryptionKey, startTestPortico, type TestPortico } from "./portico.js";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver.js";

/**
 * A test server whose outbox polls every 50 ms on `clock` (with a master key, so endpoints
 * can be added), and an app's receiver beside it, not yet registered.
 */
export async function startOutboxPortico(options: {
  clock?: Clock;
}): Promise<{ t: TestPortico; receiver: WebhookReceiver; close(): Promise<void> }> {
  const t = await startTestPortico({
    ...(options.clock ? { clock: options.clock } : {}),
    env: { PORTICO_ENCRYPTION_KEY: newEncryptionKey(), OUTBOX_INTERVAL_MS: "50" },
  });
  const receiver = await startWebhookReceiver();
  return {
    t,
    receiver,
    async close() {
      await t.close();
      await receiver.close();
    },
  };
}

/** Registers `receiver` as an endpoint of the server (all events, unless told) and keeps its secret. */
export async function addReceiverEndpoint(
  t: TestPortico,
  receiver: WebhookReceiver,
  events?: string[],
): Promise<string> {
  const created = await t.portico.outbox.endpoints.addEndpoint({ url: receiver.url, events });
  receiver.secret = created.secret;
  return created.id;
}

/** The server's deliveries once `done` holds for them; fails after a generous deadline. */
export async function waitForDeliveries(
  t: TestPortico,
  done: (rows: DeliveryListing[]) => boolean,
  ms = 30_000,
): Promise<DeliveryListing[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const rows = await listDeliveries(t.portico.database.db, { limit: 1000 });
    if (done(rows)) return rows;
    if (Date.now() > deadline) {
      const seen = rows.map((row) => [row.eventType, row.status, row.attempts, row.lastError]);
      throw new Error(`deliveries did not settle within ${ms} ms: ${JSON.stringify(seen)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** No attempt in flight: every pending delivery's outcome is recorded. */
export const noneInFlight = (rows: DeliveryListing[]) =>
  rows.every((row) => row.status !== "pending" || row.lockedUntil === null);
