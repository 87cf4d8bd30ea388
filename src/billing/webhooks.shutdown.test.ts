import { inArray } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPortico } from "../../test/portico.js";
import {
  postWebhook,
  type SyncedPortico,
  signedEvent,
  startSyncedPortico,
} from "../../test/sync.js";
import { stripeEvents } from "../db/schema.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A graceful shutdown applies the events it answered `queued` before sync refuses new work:
 * Stripe has had its 200 for them and will not send them again. Here the apply transaction
 * waits on a customer lock the test holds past the shutdown's grace period, so the queued
 * events' group can only start after requests stopped being waited for.
 */
describe("a graceful shutdown with deliveries queued", () => {
  let t: SyncedPortico;
  beforeAll(async () => {
    t = await startSyncedPortico({ env: { SYNC_SOURCE: "payload" } });
  });
  afterAll(() => t?.close());

  const customerUpdated = (id: string, customer: string) =>
    signedEvent(t.secrets.test, {
      id,
      type: "customer.updated",
      object: { id: customer, object: "customer", livemode: false, email: null, name: id },
    });

  it("applies every event answered queued before it stops", async () => {
    const instance = await startTestPortico({
      sibling: t,
      env: {
        SYNC_SOURCE: "payload",
        STRIPE_WEBHOOK_SECRETS: t.secrets.test,
        SHUTDOWN_GRACE_MS: "300",
      },
    });
    const holder = new pg.Client({ connectionString: t.database });
    await holder.connect();
    try {
      await holder.query("begin");
      await holder.query("select pg_advisory_xact_lock(hashtext($1))", ["cus_shutdown_held"]);
      const held = customerUpdated("evt_shutdown_held", "cus_shutdown_held");
      const heldAnswer = postWebhook(instance, held.body, held.signature).catch(() => undefined);
      // The instance's one apply transaction now waits for the test's lock.
      for (;;) {
        const { rows } = await holder.query<{ waiting: number }>(
          "select count(*)::int as waiting from pg_locks where locktype = 'advisory' and not granted",
        );
        if ((rows[0]?.waiting ?? 0) > 0) break;
        await sleep(10);
      }
      const ids = [1, 2, 3, 4, 5].map((i) => `evt_shutdown_queued_${i}`);
      const answers = await Promise.all(
        ids.map(async (id, i) => {
          const event = customerUpdated(id, `cus_shutdown_${i}`);
          const response = await postWebhook(instance, event.body, event.signature);
          return ((await response.json()) as { data: { status: string } }).data.status;
        }),
      );
      expect(answers).toEqual(Array(5).fill("queued"));

      const stopped = instance.stop();
      // Past the grace period: had sync stopped taking work then, the queued group (behind
      // the held transaction) would be refused and its events recorded as failed.
      await sleep(700);
      await holder.query("commit");
      await stopped;
      await heldAnswer;

      const rows = await t.portico.database.db
        .select({
          id: stripeEvents.id,
          status: stripeEvents.status,
          attempts: stripeEvents.attempts,
        })
        .from(stripeEvents)
        .where(inArray(stripeEvents.id, ids));
      expect(rows.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
        ids.map((id) => ({ id, status: "processed", attempts: 1 })),
      );
    } finally {
      await holder.end();
      await instance.close();
    }
  });
});
