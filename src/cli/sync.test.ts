import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, openMigratedTestDatabase } from "../../test/database.js";
import { addEmulatorFault, newStripeKeys } from "../../test/emulator-process.js";
import { emulatorSdk } from "../../test/portico.js";
import { expectedSubscriptionRow } from "../../test/sync-expected.js";
import { loadConfig } from "../config.js";
import { linkBillingCustomer } from "../db/billing-customers.js";
import {
  billingCustomerDetails,
  billingInvoices,
  billingPaymentMethods,
  billingSubscriptions,
  syncProgress,
  users,
} from "../db/schema.js";
import { userSubjectId } from "../db/subjects.js";
import { runSync, type SyncCommandOptions } from "./sync.js";
import {
  expectLocalStateEqualsStripe,
  type LoggedRequest,
  mostRequestsInOneSecond,
  readLocalRows,
  readStripeState,
  SUBSCRIPTIONS_PER_CUSTOMER,
  seedBillingAccount,
  startCountingProxy,
} from "./sync-test-helpers.js";

const LINKED_CUSTOMERS = 5;

/**
 * The backfill is proven on 1,000 subscriptions; resuming, drift and failures on a small
 * account of two pages, where each run is short.
 */
const SCENARIOS = [{ customers: 200 }];
const SMALL_ACCOUNT_CUSTOMERS = 30;

const isListOf = (resource: string) => (request: LoggedRequest) =>
  request.method === "GET" && new RegExp(`^/v1/${resource}(\\?|$)`).test(request.path);
/** A single-object read, e.g. `GET /v1/subscriptions/sub_123`. */
const isRetrieve = (request: LoggedRequest) =>
  request.method === "GET" && /^\/v1\/[a-z_]+\/[a-z]+_[A-Za-z0-9]+(\?|$)/.test(request.path);

const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** A seeded emulator account and a migrated database of its own, a few customers linked. */
async function openAccount(customers: number, proxyUrl: string) {
  const keys = newStripeKeys();
  const stripe = emulatorSdk(keys.test, inject("emulatorUrl"));
  await seedBillingAccount(stripe, customers);
  const testDatabase = await createTestDatabase();
  const database = await openMigratedTestDatabase(testDatabase.url);
  const config = loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    PORTICO_DATA_DIR: "memory://",
    PORTICO_CONFIG: "test/no-billing-config.json",
    STRIPE_TEST_SECRET_KEY: keys.test,
    STRIPE_API_BASE: proxyUrl,
    STRIPE_MAX_NETWORK_RETRIES: "0",
  });
  // A few customers belong to Portico users; the rest are mirrored unlinked, as webhooks do.
  const linkedUsers = new Map<string, string>();
  const linked = await stripe.customers.list({ limit: LINKED_CUSTOMERS });
  for (const customer of linked.data) {
    const [user] = await database.db
      .insert(users)
      .values({ email: customer.email })
      .returning({ id: users.id });
    if (!user) throw new Error("no user inserted");
    await linkBillingCustomer(database.db, userSubjectId(user.id), false, customer.id);
    linkedUsers.set(customer.id, user.id);
  }

  async function sync(
    options: Partial<SyncCommandOptions> = {},
    watch: { onErr?: (text: string) => void; signal?: AbortSignal } = {},
  ) {
    const io = { out: "", err: "" };
    const code = await runSync(
      { mode: "test", rate: 1000, ...options },
      config,
      {
        out: (text) => {
          io.out += text;
        },
        err: (text) => {
          io.err += text;
          watch.onErr?.(text);
        },
        terminal: false,
      },
      { database, ...(watch.signal ? { signal: watch.signal } : {}) },
    );
    return { code, ...io };
  }

  return {
    stripe,
    database,
    config,
    linkedUsers,
    sync,
    async clearLocalState() {
      for (const table of [
        billingSubscriptions,
        billingInvoices,
        billingPaymentMethods,
        billingCustomerDetails,
        syncProgress,
      ])
        await database.db.delete(table);
    },
    async close() {
      await database.close();
      await testDatabase.drop();
    },
  };
}
type Account = Awaited<ReturnType<typeof openAccount>>;

describe.each(SCENARIOS)(
  "portico sync against $customers customers' subscriptions, canceled ones included",
  ({ customers: CUSTOMERS }) => {
    let proxy: Awaited<ReturnType<typeof startCountingProxy>>;
    let large: Account;
    let small: Account;

    beforeAll(async () => {
      proxy = await startCountingProxy(inject("emulatorUrl"));
      [large, small] = await Promise.all([
        openAccount(CUSTOMERS, proxy.url),
        openAccount(SMALL_ACCOUNT_CUSTOMERS, proxy.url),
      ]);
    }, 300_000);
    afterAll(async () => {
      await proxy?.close();
      await large?.close();
      await small?.close();
    });

    it("backfills every object under 25 requests/s; local state then equals Stripe's field by field", async () => {
      const requests = proxy.mark();
      const { stripe, database, linkedUsers, sync } = large;
      const started = performance.now();
      const run = await sync({ rate: 25 });
      const seconds = (performance.now() - started) / 1000;
      expect(run.err).not.toContain("portico sync:");
      expect(run.code).toBe(0);

      const remote = await expectLocalStateEqualsStripe(database.db, stripe);
      expect(remote.subscriptions).toHaveLength(CUSTOMERS * SUBSCRIPTIONS_PER_CUSTOMER);
      expect(remote.subscriptions.filter((s) => s.status === "canceled")).toHaveLength(
        CUSTOMERS * 2,
      );
      const local = await readLocalRows(database.db);
      for (const subscription of local.subscriptions)
        expect(subscription.userId).toBe(linkedUsers.get(subscription.stripeCustomerId) ?? null);

      const sent = requests();
      const span = ((sent.at(-1)?.at ?? 0) - (sent[0]?.at ?? 0)) / 1000;
      const perSecond = sent.length / seconds;
      console.info(
        `backfill: ${sent.length} requests in ${seconds.toFixed(1)} s, ${perSecond.toFixed(1)} req/s over the run, ${((sent.length - 1) / span).toFixed(1)} req/s first to last, at most ${mostRequestsInOneSecond(sent)} in any second`,
      );
      expect(perSecond).toBeLessThanOrEqual(25);
      // Starts are paced 40 ms apart; the proxy shares this process's event loop with the
      // test, whose work can delay one arrival enough to bring the next one closer.
      expect(mostRequestsInOneSecond(sent)).toBeLessThanOrEqual(26);
      // Lists of 100, plus one card list per customer; nothing fetched one by one.
      expect(sent.filter(isListOf("subscriptions"))).toHaveLength(
        Math.ceil(remote.subscriptions.length / 100),
      );
      expect(sent.filter((request) => request.path.includes("/payment_methods"))).toHaveLength(
        CUSTOMERS,
      );
      expect(sent.filter(isRetrieve)).toEqual([]);
      expect(run.out).toContain(`${remote.subscriptions.length} subscriptions`);
    }, 300_000);

    it("a second run writes no row", async () => {
      const { database, sync } = large;
      const before = await readLocalRows(database.db);
      const requests = proxy.mark();
      const run = await sync({ json: true });
      expect(run.code).toBe(0);
      const report = JSON.parse(run.out) as { changes: unknown[]; resumed: boolean };
      expect(report).toMatchObject({ changes: [], resumed: false });
      // `synced_at` included: not one row was rewritten.
      expect(await readLocalRows(database.db)).toEqual(before);
      expect(requests().filter(isRetrieve)).toEqual([]);
    }, 300_000);

    it("resumes an interrupted run after its last finished page", async () => {
      const { stripe, database, sync } = small;
      await small.clearLocalState();
      const subscriptionIds = (await readStripeState(stripe)).subscriptions.map((s) => s.id);
      const pages = Math.ceil(subscriptionIds.length / 100);
      const finished = Math.min(3, pages - 1);
      const stop = new AbortController();
      const firstRequests = proxy.mark();
      // Ctrl-C once page `finished` of subscriptions is stored; the next, read ahead, is dropped.
      const watch = {
        signal: stop.signal,
        onErr: (line: string) => {
          if (line.includes(`subscriptions ${finished * 100}/?`)) stop.abort();
        },
      };
      const interrupted = await sync({}, watch);
      expect(interrupted.code).toBe(130);
      expect(interrupted.out).toContain("progress is saved");
      expect(firstRequests().filter(isListOf("subscriptions"))).toHaveLength(finished + 1);

      const secondRequests = proxy.mark();
      const resumed = await sync();
      expect(resumed.code).toBe(0);
      expect(resumed.out).toContain("(resumed)");
      const sent = secondRequests();
      expect(sent.filter(isListOf("customers"))).toEqual([]);
      const subscriptionPages = sent.filter(isListOf("subscriptions"));
      expect(subscriptionPages).toHaveLength(pages - finished);
      expect(subscriptionPages[0]?.path).toContain(
        `starting_after=${subscriptionIds[finished * 100 - 1]}`,
      );
      // The finished pages' objects are not read again one by one either.
      expect(sent.filter(isRetrieve)).toEqual([]);
      await expectLocalStateEqualsStripe(database.db, stripe);
    }, 300_000);

    it("--dry-run reports exactly the drifted fields and writes nothing; a run then repairs them", async () => {
      const { stripe, database, sync } = small;
      const { db } = database;
      await small.clearLocalState();
      expect((await sync()).code).toBe(0);
      // Local state equals Stripe's now: pick the objects to drift from it.
      const local = await readLocalRows(db);
      const active = local.subscriptions.filter(
        (s) => s.status === "active" && !s.cancelAtPeriodEnd,
      );
      const [localStatus, deletedLocally] = active.map((s) => ({ id: s.stripeSubscriptionId }));
      const changedInStripe = await stripe.subscriptions.retrieve(
        active[2]?.stripeSubscriptionId ?? "",
      );
      const renamed = { id: local.customers[0]?.stripeCustomerId ?? "" };
      const card = local.cards[0];
      const invoice = { id: local.invoices[0]?.stripeInvoiceId ?? "" };
      if (!localStatus || !deletedLocally || !card) throw new Error("seed lacks objects to drift");

      await db
        .update(billingSubscriptions)
        .set({ status: "past_due" })
        .where(eq(billingSubscriptions.stripeSubscriptionId, localStatus.id));
      await db
        .delete(billingSubscriptions)
        .where(eq(billingSubscriptions.stripeSubscriptionId, deletedLocally.id));
      const [stored] = await db
        .select()
        .from(billingSubscriptions)
        .where(eq(billingSubscriptions.stripeSubscriptionId, localStatus.id));
      if (!stored) throw new Error("no stored subscription");
      await db
        .insert(billingSubscriptions)
        .values({ ...stored, stripeSubscriptionId: "sub_ghost" });
      await db
        .update(billingCustomerDetails)
        .set({ email: "old@example.com", name: null })
        .where(eq(billingCustomerDetails.stripeCustomerId, renamed.id));
      await db
        .update(billingPaymentMethods)
        .set({ last4: "0000" })
        .where(eq(billingPaymentMethods.stripePaymentMethodId, card.stripePaymentMethodId));
      await db
        .update(billingInvoices)
        .set({ amountPaid: sql`${billingInvoices.amountPaid} + 1` })
        .where(eq(billingInvoices.stripeInvoiceId, invoice.id));
      // And a change in Stripe whose webhook never arrived.
      const changed = await stripe.subscriptions.update(changedInStripe.id, {
        cancel_at_period_end: true,
      });
      const [was, now] = [
        expectedSubscriptionRow(changedInStripe),
        expectedSubscriptionRow(changed),
      ];
      const changedFields = (Object.keys(now) as (keyof typeof now)[])
        .filter((key) => JSON.stringify(was[key]) !== JSON.stringify(now[key]))
        .map(snakeCase);
      expect(changedFields).toContain("cancel_at_period_end");

      const before = await readLocalRows(db);
      const dryRun = await sync({ dryRun: true, json: true });
      expect(dryRun.code).toBe(0);
      expect(await readLocalRows(db)).toEqual(before);
      const report = JSON.parse(dryRun.out) as {
        changes: { id: string; change: string; fields?: { field: string }[] }[];
      };
      const drift = report.changes
        .map((change) => ({
          id: change.id,
          change: change.change,
          fields: change.fields?.map((field) => field.field).sort(),
        }))
        .sort((a, b) => a.id.localeCompare(b.id));
      const expected = [
        { id: localStatus.id, change: "differs", fields: ["status"] },
        { id: deletedLocally.id, change: "missing", fields: undefined },
        { id: "sub_ghost", change: "extra", fields: undefined },
        { id: renamed.id, change: "differs", fields: ["email", "name"] },
        { id: card.stripePaymentMethodId, change: "differs", fields: ["last4"] },
        { id: invoice.id, change: "differs", fields: ["amount_paid"] },
        { id: changedInStripe.id, change: "differs", fields: changedFields.sort() },
      ].sort((a, b) => a.id.localeCompare(b.id));
      expect(drift).toEqual(expected);

      const text = await sync({ dryRun: true });
      expect(text.out).toContain(`  ${localStatus.id} status: past_due → active\n`);
      expect(text.out).toContain(`  ${card.stripePaymentMethodId} last4: 0000 → ${card.last4}\n`);
      expect(text.out).toContain("7 rows (1 customer, 4 subscriptions, 1 card, 1 invoice)");

      const repair = await sync();
      expect(repair.code).toBe(0);
      expect(repair.out).toContain("7 rows");
      await expectLocalStateEqualsStripe(db, stripe);
    }, 300_000);

    it("a Stripe failure stops with a clear error, keeps the progress, and the next run resumes", async () => {
      const { stripe, database, config, sync } = small;
      await small.clearLocalState();
      await addEmulatorFault(inject("emulatorUrl"), config.stripe.keys.test ?? "", {
        kind: "api_error",
        method: "GET",
        path: "/v1/invoices",
        times: 1,
      });
      const failed = await sync();
      expect(failed.code).toBe(1);
      expect(failed.err).toContain(
        "portico sync: Stripe is unavailable, retry shortly. Progress up to the last finished page is kept: run it again to resume.",
      );
      expect(failed.err).not.toMatch(/\n\s+at |sk_test_/);

      const requests = proxy.mark();
      const resumed = await sync();
      expect(resumed.code).toBe(0);
      expect(resumed.out).toContain("(resumed)");
      // Nothing listed again from the start: every list carries on from its saved cursor.
      const sent = requests();
      expect(sent.filter(isListOf("customers"))).toEqual([]);
      const subscriptionPages = sent.filter(isListOf("subscriptions"));
      expect(subscriptionPages.every((request) => request.path.includes("starting_after="))).toBe(
        true,
      );
      await expectLocalStateEqualsStripe(database.db, stripe);
    }, 300_000);
  },
);

describe("portico sync: usage errors", () => {
  it("refuses a mode without a key", async () => {
    const config = loadConfig({ NODE_ENV: "test", STRIPE_TEST_SECRET_KEY: "sk_test_abc" });
    const io = { out: "", err: "" };
    const code = await runSync({ mode: "live" }, config, {
      out: (text) => {
        io.out += text;
      },
      err: (text) => {
        io.err += text;
      },
      terminal: false,
    });
    expect(code).toBe(1);
    expect(io.err).toBe(
      "portico sync: no Stripe live key. Set STRIPE_SECRET_KEY (or STRIPE_LIVE_SECRET_KEY).\n",
    );
  });
});
