import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMonthlyPrice } from "../../../test/emulator-process.js";
import { giveCustomer, signUp } from "../../../test/portico.js";
import { type SyncedPortico, startSyncedPortico } from "../../../test/sync.js";
import { expectedInvoice } from "../../../test/sync-expected.js";
import { billingInvoices, stripeEvents } from "../../db/schema.js";

describe("invoice.* from the emulator", () => {
  let t: SyncedPortico;
  let price: Stripe.Price;
  beforeAll(async () => {
    t = await startSyncedPortico();
    price = await createMonthlyPrice(t.stripe.test, "Team", 1200);
  });
  afterAll(() => t.close());

  async function expectInvoice(id: string) {
    await t.flush();
    const remote = await t.stripe.test.invoices.retrieve(id);
    const [local] = await t.portico.database.db
      .select()
      .from(billingInvoices)
      .where(eq(billingInvoices.stripeInvoiceId, id));
    expect(local).toMatchObject(expectedInvoice(remote));
    return remote;
  }

  async function subscribe(card: string | null, params: Partial<Stripe.SubscriptionCreateParams>) {
    const { user } = await signUp(t);
    const customer = await giveCustomer(t, user.id);
    if (card) {
      const method = await t.stripe.test.paymentMethods.attach(card, { customer: customer.id });
      await t.stripe.test.customers.update(customer.id, {
        invoice_settings: { default_payment_method: method.id },
      });
    }
    return t.stripe.test.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      ...params,
    });
  }

  it("mirrors a paid first invoice, with its links and period", async () => {
    const subscription = await subscribe("pm_card_visa", {});
    const invoice = await expectInvoice(subscription.latest_invoice as string);
    expect(invoice).toMatchObject({ status: "paid", amount_paid: 1200 });
    const handled = await t.portico.database.db
      .select({ type: stripeEvents.type })
      .from(stripeEvents)
      .where(eq(stripeEvents.status, "processed"));
    for (const type of ["invoice.created", "invoice.finalized", "invoice.paid"]) {
      expect(handled).toContainEqual({ type });
    }
  });

  it("mirrors a failed payment", async () => {
    const subscription = await subscribe("pm_card_visa_chargeDeclined", {
      payment_behavior: "allow_incomplete",
    });
    const invoice = await expectInvoice(subscription.latest_invoice as string);
    expect(invoice.status).toBe("open");
  });

  it("mirrors updates, voiding and marking uncollectible", async () => {
    const byInvoice = { collection_method: "send_invoice" as const, days_until_due: 30 };
    const first = await subscribe(null, byInvoice);
    const firstInvoice = first.latest_invoice as string;
    await t.stripe.test.invoices.update(firstInvoice, { description: "Thanks" });
    await expectInvoice(firstInvoice);
    await t.stripe.test.invoices.voidInvoice(firstInvoice);
    expect((await expectInvoice(firstInvoice)).status).toBe("void");

    const second = await subscribe(null, byInvoice);
    const secondInvoice = second.latest_invoice as string;
    await t.stripe.test.invoices.markUncollectible(secondInvoice);
    expect((await expectInvoice(secondInvoice)).status).toBe("uncollectible");
  });
});
