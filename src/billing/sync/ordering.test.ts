import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { giveCustomer, signUp } from "../../../test/portico.js";
import { type SyncedPortico, startSyncedPortico } from "../../../test/sync.js";
import { expectedDetails, expectedSubscriptionRow } from "../../../test/sync-expected.js";
import { billingCustomerDetails, billingSubscriptions, stripeEvents } from "../../db/schema.js";

/**
 * Stripe promises neither order nor once. Many changes in a few seconds, delivered
 * shuffled with copies, must end in Stripe's final state: older events skipped by the
 * watermark, same-second ones settled by refetching, copies removed by event id.
 */
describe.each(["refetch", "payload"] as const)(
  "out-of-order and duplicated delivery (SYNC_SOURCE=%s)",
  (source) => {
    let t: SyncedPortico;
    let price: Stripe.Price;
    beforeAll(async () => {
      t = await startSyncedPortico({
        deliveryMode: "shuffled+duplicated",
        env: { SYNC_SOURCE: source },
      });
      const product = await t.stripe.test.products.create({ name: "Seats" });
      price = await t.stripe.test.prices.create({
        product: product.id,
        unit_amount: 700,
        currency: "usd",
        recurring: { interval: "month" },
      });
    });
    afterAll(() => t.close());

    it("ends with Stripe's final subscription and customer", async () => {
      const { user } = await signUp(t);
      const customer = await giveCustomer(t, user.id);
      const card = await t.stripe.test.paymentMethods.attach("pm_card_visa", {
        customer: customer.id,
      });
      await t.stripe.test.customers.update(customer.id, {
        invoice_settings: { default_payment_method: card.id },
      });
      const subscription = await t.stripe.test.subscriptions.create({
        customer: customer.id,
        items: [{ price: price.id }],
      });
      const item = subscription.items.data[0]?.id ?? "";
      for (let round = 1; round <= 8; round++) {
        await t.stripe.test.subscriptions.update(subscription.id, {
          items: [{ id: item, quantity: round + 1 }],
          cancel_at_period_end: round % 2 === 1,
          proration_behavior: "none",
        });
        await t.stripe.test.customers.update(customer.id, { name: `Name ${round}` });
        // Some rounds in a later second, so that both the watermark and the tie rule apply.
        if (round % 3 === 0) await t.control("clock/advance", { seconds: 2 });
      }
      await t.flush();

      const db = t.portico.database.db;
      const remoteSubscription = await t.stripe.test.subscriptions.retrieve(subscription.id);
      const [localSubscription] = await db
        .select()
        .from(billingSubscriptions)
        .where(eq(billingSubscriptions.stripeSubscriptionId, subscription.id));
      expect(localSubscription).toMatchObject(expectedSubscriptionRow(remoteSubscription));
      expect(localSubscription?.quantity).toBe(9);

      const remoteCustomer = (await t.stripe.test.customers.retrieve(
        customer.id,
      )) as Stripe.Customer;
      const [localCustomer] = await db
        .select()
        .from(billingCustomerDetails)
        .where(eq(billingCustomerDetails.stripeCustomerId, customer.id));
      expect(localCustomer).toMatchObject(expectedDetails(remoteCustomer));
      expect(localCustomer?.name).toBe("Name 8");

      const deliveries = (await fetch(`${t.emulatorUrl}/_emulator/webhooks/deliveries`, {
        headers: { authorization: `Bearer ${t.keys.test}` },
      }).then((response) => response.json())) as { data: { event: string }[] };
      const delivered = new Set(deliveries.data.map((delivery) => delivery.event));
      expect(deliveries.data.length).toBeGreaterThan(delivered.size);
      const stored = await db
        .select({ id: stripeEvents.id, status: stripeEvents.status })
        .from(stripeEvents);
      expect(stored.map((event) => event.id).sort()).toEqual([...delivered].sort());
      expect(stored.filter((event) => event.status === "failed")).toEqual([]);
    });
  },
);
