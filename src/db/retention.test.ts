import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openMigratedTestDatabase } from "../../test/database.js";
import { createRetentionWorker } from "../retention-worker.js";
import type { Database } from "./client.js";
import { pruneBatch, type RetentionPolicy, retentionRules } from "./retention.js";

const POLICY: RetentionPolicy = {
  stripeEventsDays: 30,
  outboxDays: 30,
  auditDays: 0,
  rateLimitWindowSeconds: 3600,
};

/**
 * Retention deletes exactly the rows Portico is done with: every table gets rows just past
 * its limit and rows just inside it, in each state that matters, and only the first go.
 */
describe("retention", () => {
  let database: Database;
  const rows = async (query: ReturnType<typeof sql>) =>
    ((await database.db.execute(query)) as unknown as { rows: Record<string, unknown>[] }).rows;
  const ids = async (table: string, column = "id") =>
    (await rows(sql.raw(`select ${column} as id from portico.${table} order by 1`))).map((row) =>
      String(row.id),
    );

  beforeAll(async () => {
    database = await openMigratedTestDatabase();
    await database.db.execute(sql`
      insert into portico.users (id, email) values
        ('00000000-0000-0000-0000-000000000001', 'retention@example.com');
      insert into portico.service_keys (id, name, token_hash, prefix, scopes) values
        ('00000000-0000-0000-0000-0000000000a1', 'k', 'hash', 'pk_', '{read}');

      insert into portico.stripe_events (id, type, livemode, created, received_at, status, payload)
      select id, 'customer.updated', false, now(), now() - age, status, '{}'
      from (values
        ('evt_old_processed', interval '31 days', 'processed'),
        ('evt_old_ignored', interval '31 days', 'ignored'),
        ('evt_old_failed', interval '31 days', 'failed'),
        ('evt_old_processing', interval '31 days', 'processing'),
        ('evt_new_processed', interval '29 days', 'processed')
      ) as e(id, age, status);

      insert into portico.webhook_endpoints (id, url, events, secret)
        values ('we_1', 'https://app.example.com/hook', '{*}', 'sealed');
      insert into portico.outbox_events (id, type, livemode, subject, created, payload)
      select id, 'subscription.updated', false, 'user:1', now() - age, '{}'
      from (values
        ('evt_out_old_done', interval '31 days'),
        ('evt_out_old_pending', interval '31 days'),
        ('evt_out_old_none', interval '31 days'),
        ('evt_out_new_done', interval '29 days')
      ) as e(id, age);
      insert into portico.webhook_deliveries (id, event_id, endpoint_id, status, next_attempt_at)
      values
        ('dlv_old_done', 'evt_out_old_done', 'we_1', 'delivered', now() - interval '31 days'),
        ('dlv_old_pending', 'evt_out_old_pending', 'we_1', 'pending', now()),
        ('dlv_new_done', 'evt_out_new_done', 'we_1', 'failed', now() - interval '29 days');

      insert into portico.sessions (id, user_id, token_hash, expires_at, revoked_at) values
        ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-000000000001',
          'expired', now() - interval '2 days', null),
        ('00000000-0000-0000-0000-0000000000b2', '00000000-0000-0000-0000-000000000001',
          'revoked', now() + interval '20 days', now() - interval '2 days'),
        ('00000000-0000-0000-0000-0000000000b3', '00000000-0000-0000-0000-000000000001',
          'just-expired', now() - interval '1 hour', null),
        ('00000000-0000-0000-0000-0000000000b4', '00000000-0000-0000-0000-000000000001',
          'valid', now() + interval '20 days', null);

      insert into portico.sign_in_links (token_hash, user_id, service_key_id, expires_at) values
        ('link_old', '00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-0000000000a1',
          now() - interval '2 days'),
        ('link_new', '00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-0000000000a1',
          now() + interval '10 minutes');

      insert into portico.rate_limits (key, window_start, count) values
        ('old', now() - interval '1 day 2 hours', 3),
        ('inside', now() - interval '1 day 30 minutes', 3);

      insert into portico.portal_sessions
        (id, user_id, livemode, stripe_session_id, stripe_customer_id, request_id, created_at)
      values
        ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-000000000001', false,
          'bps_old', 'cus_1', 'req_1', now() - interval '400 days'),
        ('00000000-0000-0000-0000-0000000000c2', '00000000-0000-0000-0000-000000000001', false,
          'bps_new', 'cus_1', 'req_2', now() - interval '10 days');
      insert into portico.audit_log (id, action, source, created_at) values
        ('00000000-0000-0000-0000-0000000000d1', 'customer.linked', 'cli', now() - interval '400 days'),
        ('00000000-0000-0000-0000-0000000000d2', 'customer.linked', 'cli', now() - interval '10 days');
    `);
  });
  afterAll(() => database?.close());

  it("keeps audit rows while auditDays is 0, and prunes the rest in batches", async () => {
    for (const rule of retentionRules(POLICY)) {
      // A batch of one: the loop, not one statement, has to get to every row.
      while ((await pruneBatch(database.db, rule, 1)) === 1) {}
    }
    expect(await ids("stripe_events")).toEqual([
      "evt_new_processed",
      "evt_old_failed",
      "evt_old_processing",
    ]);
    expect(await ids("outbox_events")).toEqual(["evt_out_new_done", "evt_out_old_pending"]);
    expect(await ids("webhook_deliveries")).toEqual(["dlv_new_done", "dlv_old_pending"]);
    expect(await ids("sessions", "token_hash")).toEqual(["just-expired", "valid"]);
    expect(await ids("sign_in_links", "token_hash")).toEqual(["link_new"]);
    expect(await ids("rate_limits", "key")).toEqual(["inside"]);
    expect(await ids("portal_sessions", "stripe_session_id")).toEqual(["bps_new", "bps_old"]);
    expect((await ids("audit_log")).length).toBe(2);
  });

  it("prunes audit rows past auditDays through the worker, and reports what it deleted", async () => {
    const pruned: [string, number][] = [];
    const worker = createRetentionWorker({
      db: database.db,
      options: { ...POLICY, auditDays: 365, intervalMs: 0 },
      logger: { info: () => {}, warn: () => {} },
      pruned: (table, count) => pruned.push([table, count]),
    });
    expect(await worker.runPass()).toEqual({ portal_sessions: 1, audit_log: 1 });
    expect(pruned).toEqual([
      ["portal_sessions", 1],
      ["audit_log", 1],
    ]);
    expect(await ids("portal_sessions", "stripe_session_id")).toEqual(["bps_new"]);
    expect(await ids("audit_log")).toEqual(["00000000-0000-0000-0000-0000000000d2"]);
    // Nothing left to do: a second pass deletes nothing.
    expect(await worker.runPass()).toEqual({});
    await worker.stop();
  });
});
