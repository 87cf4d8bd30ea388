import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { giveCustomer, signUp } from "../../../test/portico.js";
import { type SyncedPortico, startSyncedPortico } from "../../../test/sync.js";
import { expectedDetails } from "../../../test/sync-expected.js";
import { findBillingCustomer } from "../../db/billing-customers.js";
import { billingCustomerDetails, stripeEvents } from "../../db/schema.js";
import { userSubjectId } from "../../db/subjects.js";

describe("customer.* from the emulator", () => {
  let t: SyncedPortico;
  beforeAll(async () => {
    t = await startSyncedPortico();
  });
  afterAll(() => t.close());

  const localDetails = async (id: string) =>
    (
      await t.portico.database.db
        .select()
        .from(billingCustomerDetails)
        .where(eq(billingCustomerDetails.stripeCustomerId, id))
    )[0];

  it("mirrors email, name, address and default card as they change", async () => {
    const { user } = await signUp(t);
    const customer = await giveCustomer(t, user.id);
    await t.flush();
    expect(await localDetails(customer.id)).toMatchObject(expectedDetails(customer));

    const card = await t.stripe.test.paymentMethods.attach("pm_card_visa", {
      customer: customer.id,
    });
    const updated = await t.stripe.test.customers.update(customer.id, {
      email: "billing@example.com",
      name: "Ada Lovelace",
      address: { line1: "1 Analytical Way", city: "London", postal_code: "N1", country: "GB" },
      invoice_settings: { default_payment_method: card.id },
    });
    await t.flush();
    expect(await localDetails(customer.id)).toMatchObject(expectedDetails(updated));
  });

  it("marks a deleted customer and stops using its link", async () => {
    const { user } = await signUp(t);
    const customer = await giveCustomer(t, user.id);
    await t.stripe.test.customers.del(customer.id);
    await t.flush();
    expect((await localDetails(customer.id))?.deletedAt).toBeInstanceOf(Date);
    expect(
      await findBillingCustomer(t.portico.database.db, userSubjectId(user.id), false),
    ).toBeUndefined();
  });

  it("stores a name PostgreSQL cannot hold as it can, read back from Stripe", async () => {
    // Stripe accepts a NUL in a name; the default SYNC_SOURCE=refetch reads it back from Stripe.
    const customer = await t.stripe.test.customers.create({ name: "Ada\u0000Lovelace" });
    await t.flush();
    expect((await localDetails(customer.id))?.name).toBe("Ada\ufffdLovelace");
    const created = await t.portico.database.db
      .select({ status: stripeEvents.status })
      .from(stripeEvents)
      .where(eq(stripeEvents.type, "customer.created"));
    expect(created.map((event) => event.status)).toEqual(created.map(() => "processed"));
  });
});
