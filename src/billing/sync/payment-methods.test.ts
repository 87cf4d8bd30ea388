import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { giveCustomer, signUp } from "../../../test/portico.js";
import { type SyncedPortico, startSyncedPortico } from "../../../test/sync.js";
import { expectedCard } from "../../../test/sync-expected.js";
import { billingPaymentMethods } from "../../db/schema.js";

describe("payment_method.* from the emulator", () => {
  let t: SyncedPortico;
  beforeAll(async () => {
    t = await startSyncedPortico();
  });
  afterAll(() => t.close());

  async function expectCard(id: string, isDefault: boolean) {
    await t.flush();
    const remote = await t.stripe.test.paymentMethods.retrieve(id);
    const [local] = await t.portico.database.db
      .select()
      .from(billingPaymentMethods)
      .where(eq(billingPaymentMethods.stripePaymentMethodId, id));
    expect(local).toMatchObject(expectedCard(remote, isDefault));
  }

  it("mirrors attach, default, update and detach", async () => {
    const { user } = await signUp(t);
    const customer = await giveCustomer(t, user.id);
    const visa = await t.stripe.test.paymentMethods.attach("pm_card_visa", {
      customer: customer.id,
    });
    const mastercard = await t.stripe.test.paymentMethods.attach("pm_card_mastercard", {
      customer: customer.id,
    });
    await expectCard(visa.id, false);
    await expectCard(mastercard.id, false);

    await t.stripe.test.customers.update(customer.id, {
      invoice_settings: { default_payment_method: visa.id },
    });
    await expectCard(visa.id, true);
    await t.stripe.test.customers.update(customer.id, {
      invoice_settings: { default_payment_method: mastercard.id },
    });
    await expectCard(visa.id, false);
    await expectCard(mastercard.id, true);

    await t.stripe.test.paymentMethods.update(visa.id, { card: { exp_month: 4, exp_year: 2041 } });
    await expectCard(visa.id, false);

    await t.stripe.test.paymentMethods.detach(mastercard.id);
    await expectCard(mastercard.id, false);
  });
});
