import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { eq, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addEmulatorFault,
  clearEmulatorFaults,
  createMonthlyPrice,
} from "../../test/emulator-process.js";
import { startTestPortico, type TestPortico } from "../../test/portico.js";
import { postWebhook, signedEvent } from "../../test/sync.js";
import { expectedSubscriptionRow } from "../../test/sync-expected.js";
import { type Db, databaseOptions, openDatabase } from "../db/client.js";
import { billingSubscriptions, stripeEvents } from "../db/schema.js";
import type { StripeEventRow } from "../db/stripe-events.js";
import { registerEventsCommand } from "./events.js";

const SECRET = `whsec_${randomBytes(16).toString("hex")}`;

describe("portico events", () => {
  let t: TestPortico;
  let dataDir: string;
  let subscription: Stripe.Subscription;
  const ids = { created: "", updated: "", ignored: "", processed: "" };

  /** Runs `portico events …` in-process against the test server's database and Stripe. */
  async function cli(...args: string[]) {
    const captured = { out: "", err: "", code: undefined as number | undefined };
    const program = new Command().exitOverride().configureOutput({
      writeOut: (text) => {
        captured.out += text;
      },
      writeErr: (text) => {
        captured.err += text;
      },
    });
    registerEventsCommand(program, {
      config: () => t.config,
      io: {
        out: (text) => {
          captured.out += text;
        },
        err: (text) => {
          captured.err += text;
        },
      },
      exit: (code) => {
        captured.code = code;
      },
    });
    try {
      await program.parseAsync(["events", ...args], { from: "user" });
    } catch (error) {
      // exitOverride: commander's own usage errors throw instead of exiting.
      captured.code = (error as { exitCode?: number }).exitCode ?? 1;
    }
    return captured;
  }

  /** The database as the CLI opens it, for a look between commands. */
  async function withDb<T>(work: (db: Db) => T) {
    const database = await openDatabase(databaseOptions(t.config));
    try {
      return await work(database.db);
    } finally {
      await database.close();
    }
  }

  const readEvent = (id: string) =>
    withDb(async (db) => {
      const [row] = await db.select().from(stripeEvents).where(eq(stripeEvents.id, id));
      return row as StripeEventRow;
    });

  async function post(event: Parameters<typeof signedEvent>[1]) {
    const { body, signature } = signedEvent(SECRET, event);
    const response = await postWebhook(t, body, signature);
    return { id: (JSON.parse(body) as { id: string }).id, status: response.status };
  }

  const clearFaults = () => clearEmulatorFaults(t.emulatorUrl, t.keys.test);

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "portico-events-"));
    t = await startTestPortico({
      env: {
        PORTICO_DATA_DIR: dataDir,
        STRIPE_WEBHOOK_SECRETS: SECRET,
        // The server's own retries would race the replays under test.
        WEBHOOK_RETRY_INTERVAL_MS: "0",
      },
    });
    const customer = await t.stripe.test.customers.create({ email: "events@example.com" });
    const price = await createMonthlyPrice(t.stripe.test, "Team", 700);
    subscription = await t.stripe.test.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      payment_behavior: "default_incomplete",
    });

    // Stripe is down for the refetch each subscription event makes: both fail (500).
    await addEmulatorFault(t.emulatorUrl, t.keys.test, {
      kind: "api_error",
      method: "GET",
      path: "/v1/subscriptions/*",
    });
    const now = Math.floor(Date.now() / 1000);
    const created = await post({
      type: "customer.subscription.created",
      created: now - 10,
      object: subscription,
    });
    const updated = await post({
      type: "customer.subscription.updated",
      created: now - 5,
      object: subscription,
    });
    expect([created.status, updated.status]).toEqual([500, 500]);
    const ignored = await post({
      type: "charge.succeeded",
      object: { id: "ch_1", object: "charge" },
    });
    const processed = await post({ type: "customer.updated", object: customer });
    expect([ignored.status, processed.status]).toEqual([200, 200]);
    Object.assign(ids, {
      created: created.id,
      updated: updated.id,
      ignored: ignored.id,
      processed: processed.id,
    });
  });
  afterAll(async () => {
    await clearFaults();
    await t.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("lists failed events with their error, and every event newest first as JSON", async () => {
    const failed = await cli("list", "--status", "failed");
    expect(failed.code).toBe(0);
    const lines = failed.out.trim().split("\n");
    expect(lines[0]).toMatch(
      /^ID\s+TYPE\s+LIVEMODE\s+STATUS\s+ATTEMPTS\s+RECEIVED_AT\s+LAST_ERROR$/,
    );
    expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual([ids.updated, ids.created]);
    expect(lines[1]).toMatch(/customer\.subscription\.updated\s+false\s+failed\s+1\s+\S+Z\s+\S/);
    expect(lines.every((line) => line.length < 250)).toBe(true);

    const all = await cli("list", "--json");
    const rows = JSON.parse(all.out) as { id: string; status: string }[];
    expect(rows.map((row) => [row.id, row.status])).toEqual([
      [ids.processed, "processed"],
      [ids.ignored, "ignored"],
      [ids.updated, "failed"],
      [ids.created, "failed"],
    ]);
    const limited = JSON.parse((await cli("list", "--json", "--limit", "1")).out) as unknown[];
    expect(limited).toHaveLength(1);
    expect((await cli("list", "--status", "processing")).out).toBe("No events.\n");
  });

  it("refuses an unknown status or a bad limit", async () => {
    const status = await cli("list", "--status", "broken");
    expect(status.code).toBe(1);
    expect(status.err).toMatch(/processing, processed, ignored, failed/);
    for (const limit of ["0", "1001", "ten", "2.5"]) {
      const answer = await cli("list", "--limit", limit);
      expect(answer.code, limit).toBe(1);
      expect(answer.err).toMatch(/whole number from 1 to 1000/);
    }
  });

  it("shows one event with its payload, and says so for an unknown id", async () => {
    const shown = await cli("show", ids.created);
    expect(shown.code).toBe(0);
    expect(shown.out).toMatch(/^id\s+evt_/);
    expect(shown.out).toMatch(/\nstatus\s+failed\n/);
    expect(shown.out).toMatch(/\nlast_error\s+.*(unavailable|PorticoError)/i);
    const payload = shown.out.slice(shown.out.indexOf("payload:\n") + "payload:\n".length);
    expect(JSON.parse(payload)).toMatchObject({
      id: ids.created,
      type: "customer.subscription.created",
      data: { object: { id: subscription.id } },
    });
    expect(payload).toContain('\n  "type": "customer.subscription.created",\n');

    const missing = await cli("show", "evt_missing");
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/No event evt_missing in the inbox/);
  });

  it("replays nothing it cannot: an ignored type, a processed event without --force, a bad call", async () => {
    const ignored = await cli("replay", ids.ignored);
    expect(ignored.code).toBe(1);
    expect(ignored.out).toMatch(/charge\.succeeded event, which Portico does not handle/);
    expect((await readEvent(ids.ignored)).status).toBe("ignored");

    const done = await cli("replay", ids.processed);
    expect(done.code).toBe(1);
    expect(done.out).toMatch(/already processed; use --force/);
    expect((await cli("replay", "evt_missing")).out).toMatch(/No event evt_missing/);

    for (const args of [[], [ids.created, "--failed"], ["--failed", "--force"]]) {
      const answer = await cli("replay", ...args);
      expect(answer.code, args.join(" ")).toBe(1);
      expect(answer.err).toMatch(/Give an event id/);
    }
  });

  it("applies a processed event again with --force", async () => {
    const before = await readEvent(ids.processed);
    const forced = await cli("replay", ids.processed, "--force");
    expect(forced.code).toBe(0);
    expect(forced.out).toBe(`✓ ${ids.processed} processed\n`);
    expect(await readEvent(ids.processed)).toMatchObject({
      status: "processed",
      attempts: before.attempts + 1,
    });
  });

  it("refuses an event another worker holds within its lease", async () => {
    await withDb((db) =>
      db
        .update(stripeEvents)
        .set({ status: "processing", claimedAt: sql`now()` })
        .where(eq(stripeEvents.id, ids.processed)),
    );
    const held = await cli("replay", ids.processed, "--force");
    expect(held.code).toBe(1);
    expect(held.out).toMatch(/being applied elsewhere/);
    expect((await readEvent(ids.processed)).status).toBe("processing");
    await withDb((db) =>
      db
        .update(stripeEvents)
        .set({ status: "processed" })
        .where(eq(stripeEvents.id, ids.processed)),
    );
  });

  it("replays every failed event oldest first: still failing while Stripe is down, then fixed", async () => {
    const down = await cli("replay", "--failed");
    expect(down.code).toBe(1);
    expect(down.out.split("\n").slice(0, 2)).toEqual([
      expect.stringMatching(new RegExp(`^✗ ${ids.created} failed: `)),
      expect.stringMatching(new RegExp(`^✗ ${ids.updated} failed: `)),
    ]);
    expect(down.out).toMatch(/\n0 processed, 2 still failing\.\n$/);
    expect(await readEvent(ids.created)).toMatchObject({ status: "failed", attempts: 2 });
    expect((await readEvent(ids.created)).lastError).toMatch(/unavailable|PorticoError/i);

    await clearFaults();
    const fixed = await cli("replay", "--failed");
    expect(fixed.code).toBe(0);
    expect(fixed.out).toBe(
      `✓ ${ids.created} processed\n✓ ${ids.updated} processed\n2 processed, 0 still failing.\n`,
    );
    for (const id of [ids.created, ids.updated]) {
      expect(await readEvent(id)).toMatchObject({
        status: "processed",
        attempts: 3,
        lastError: null,
      });
    }
    const remote = await t.stripe.test.subscriptions.retrieve(subscription.id);
    const [local] = await withDb((db) =>
      db
        .select()
        .from(billingSubscriptions)
        .where(eq(billingSubscriptions.stripeSubscriptionId, subscription.id)),
    );
    expect(local).toMatchObject(expectedSubscriptionRow(remote));

    const again = await cli("replay", "--failed");
    expect(again).toMatchObject({
      code: 0,
      out: "No failed events. 0 processed, 0 still failing.\n",
    });
  });
});
