import { inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openMigratedTestDatabase } from "../../../test/database.js";
import { payloadSyncRunner } from "../../../test/payload-runner.js";
import type { Database, Db } from "../../db/client.js";
import {
  billingCustomerDetails,
  billingPaymentMethods,
  billingSubscriptions,
  stripeEvents,
  syncVersions,
} from "../../db/schema.js";
import { insertStripeEvents } from "../../db/stripe-events.js";
import type { SubscriptionSnapshot, SyncEvent } from "../../stripe/sync-types.js";

const BASE = 1_800_000_000;

function subscriptionEvent(id: string, customerId: string, step: number): SyncEvent {
  const subscription: SubscriptionSnapshot = {
    id,
    customerId,
    livemode: false,
    status: "active",
    priceId: "price_batch",
    priceLookupKey: null,
    productId: "prod_batch",
    quantity: step + 1,
    cancelAtPeriodEnd: false,
    cancelAt: null,
    canceledAt: null,
    cancellationReason: null,
    currentPeriodStart: BASE,
    currentPeriodEnd: BASE + 2_592_000,
    trialEnd: null,
    pauseCollection: null,
    defaultPaymentMethodId: null,
    created: BASE,
  };
  return {
    id: `evt_${id}_${step}`,
    type: "customer.subscription.updated",
    created: BASE + step,
    livemode: false,
    object: { kind: "subscription", subscription },
  };
}

function cardEvent(customerId: string, created: number): SyncEvent {
  return {
    id: `evt_card_${customerId}`,
    type: "payment_method.attached",
    created,
    livemode: false,
    object: {
      kind: "payment_method",
      previousCustomerId: null,
      paymentMethod: {
        id: `pm_${customerId}`,
        customerId,
        livemode: false,
        type: "card",
        brand: "visa",
        last4: "4242",
        expMonth: 12,
        expYear: 2040,
        created: BASE,
      },
    },
  };
}

/** The batch's inbox insert, as a webhook group stores it: every event `processed`. */
const storeAll = (events: readonly SyncEvent[]) => (tx: Db) =>
  insertStripeEvents(
    tx,
    events.map((event) => ({
      id: event.id,
      type: event.type,
      livemode: event.livemode,
      created: new Date(event.created * 1000),
      payload: { id: event.id },
      status: "processed" as const,
    })),
  );

/**
 * A batch of payload events holds its subscription rows back and writes them in one
 * statement per table. That must change nothing a reader can see: each row ends at its
 * newest event, and an event whose handler reads the table meanwhile (a card's, which
 * refreshes its customer's default) finds the rows held back before it already written.
 */
describe("a batch of events with rows held back", () => {
  let database: Database;
  // A fresh database of its own, dropped when closed.
  beforeAll(async () => {
    database = await openMigratedTestDatabase();
  });
  afterAll(() => database.close());

  const runner = () => payloadSyncRunner(database.db);

  it("writes each subscription's newest state, in one transaction", async () => {
    const customers = ["cus_batch_a", "cus_batch_b", "cus_batch_c"];
    // Each customer's default card is the one its event attaches: the card's write must
    // land before the refresh that reads it.
    await database.db.insert(billingCustomerDetails).values(
      customers.map((customer) => ({
        stripeCustomerId: customer,
        livemode: false,
        defaultPaymentMethodId: `pm_${customer}`,
      })),
    );
    const events = customers.flatMap((customer, i) => [
      ...[1, 2, 3].map((step) => subscriptionEvent(`sub_batch_${i}`, customer, step)),
      cardEvent(customer, BASE + 2),
    ]);
    // Newest first: the batch must put them back in order.
    const stored = await runner().applyEvents([...events].reverse(), storeAll(events));
    expect([...stored].sort()).toEqual(events.map((event) => event.id).sort());

    const { db } = database;
    const rows = await db
      .select()
      .from(billingSubscriptions)
      .where(inArray(billingSubscriptions.stripeCustomerId, customers));
    expect(rows.map((row) => [row.quantity, row.stripeUpdated?.getTime()])).toEqual(
      customers.map(() => [4, (BASE + 3) * 1000]),
    );
    const cards = await db
      .select()
      .from(billingPaymentMethods)
      .where(inArray(billingPaymentMethods.stripeCustomerId, customers));
    expect(cards.map((card) => card.isDefault)).toEqual([true, true, true]);
    // Had the batch failed, each event would have run on its own, through the read-first
    // runner, which starts counting the customer's sync versions: nothing here did.
    const versions = await db
      .select()
      .from(syncVersions)
      .where(inArray(syncVersions.lockKey, customers));
    expect(versions).toEqual([]);
  });

  it("stores the batch's events with its writes, and applies only those it stored", async () => {
    const [before, fresh] = [
      subscriptionEvent("sub_stored", "cus_stored", 1),
      subscriptionEvent("sub_stored", "cus_stored", 2),
    ];
    // A copy of `before` was stored (and applied) by an earlier delivery.
    await storeAll([before])(database.db);
    const stored = await runner().applyEvents(
      [before, fresh, fresh],
      storeAll([before, fresh, fresh]),
    );
    expect([...stored]).toEqual([fresh.id]);

    const { db } = database;
    const [row] = await db
      .select()
      .from(billingSubscriptions)
      .where(inArray(billingSubscriptions.stripeSubscriptionId, ["sub_stored"]));
    expect(row?.quantity).toBe(3);
    const inbox = await db
      .select()
      .from(stripeEvents)
      .where(inArray(stripeEvents.id, [before.id, fresh.id]));
    expect(
      inbox.map((event) => [event.status, event.attempts, event.processedAt !== null]),
    ).toEqual([
      ["processed", 1, true],
      ["processed", 1, true],
    ]);
  });

  it("stores nothing of a batch it cannot apply whole", async () => {
    const good = subscriptionEvent("sub_rolled_back", "cus_rolled_back", 1);
    // Two events of one subscription in the same second: only Stripe knows which is newer.
    const first = subscriptionEvent("sub_tie", "cus_tie", 1);
    const second = { ...subscriptionEvent("sub_tie", "cus_tie", 2), created: first.created };
    const batch = [good, first, second];
    await expect(runner().applyEvents(batch, storeAll(batch))).rejects.toThrow(/Stripe reads/);

    const { db } = database;
    const inbox = await db
      .select()
      .from(stripeEvents)
      .where(
        inArray(
          stripeEvents.id,
          batch.map((event) => event.id),
        ),
      );
    expect(inbox).toEqual([]);
    const rows = await db
      .select()
      .from(billingSubscriptions)
      .where(inArray(billingSubscriptions.stripeSubscriptionId, ["sub_rolled_back", "sub_tie"]));
    expect(rows).toEqual([]);
  });
});
