import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyCatalog,
  EXAMPLE_BILLING_CONFIG,
  payOnHostedCheckout,
} from "../../../test/checkout.js";
import { APP_URL, postJson, signUp } from "../../../test/portico.js";
import { type SyncedPortico, startSyncedPortico } from "../../../test/sync.js";
import { findBillingCustomer } from "../../db/billing-customers.js";
import { billingCustomers, stripeEvents } from "../../db/schema.js";
import { userSubjectId } from "../../db/subjects.js";

describe("billing checkout, security", () => {
  let t: SyncedPortico;
  beforeAll(async () => {
    t = await startSyncedPortico({ env: { PORTICO_CONFIG: EXAMPLE_BILLING_CONFIG } });
    await applyCatalog(t);
  });
  afterAll(() => t.close());

  it("creates one Stripe customer for a burst of concurrent checkouts", async () => {
    const { token, user } = await signUp(t);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        postJson(t, "/api/billing/checkout", { price: "pro_monthly" }, token),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const all = await t.stripe.test.customers.list({ limit: 100 });
    const customers = all.data.filter((c) => c.metadata.portico_user_id === user.id);
    expect(customers).toHaveLength(1);
    const links = await t.portico.database.db
      .select()
      .from(billingCustomers)
      .where(eq(billingCustomers.userId, user.id));
    expect(links).toHaveLength(1);
    expect(links[0]?.stripeCustomerId).toBe(customers[0]?.id);
  });

  it("does not link a customer from a checkout session Portico did not create", async () => {
    const victim = await signUp(t);
    const attackerCustomer = await t.stripe.test.customers.create({ email: "x@example.com" });
    const [price] = (await t.stripe.test.prices.list({ lookup_keys: ["pro_monthly"] })).data;
    // Made straight against Stripe, naming the victim as the client reference.
    const session = await t.stripe.test.checkout.sessions.create({
      mode: "subscription",
      customer: attackerCustomer.id,
      client_reference_id: victim.user.id,
      metadata: { portico_user_id: victim.user.id },
      line_items: [{ price: price?.id ?? "", quantity: 1 }],
      success_url: `${APP_URL}/done`,
    });
    await payOnHostedCheckout(session.url ?? "");
    await t.flush();

    expect(
      await findBillingCustomer(t.portico.database.db, userSubjectId(victim.user.id), false),
    ).toBeUndefined();
    const completed = (await t.stripe.test.events.list({ limit: 100 })).data.find(
      (event) => event.type === "checkout.session.completed",
    );
    const [stored] = await t.portico.database.db
      .select()
      .from(stripeEvents)
      .where(eq(stripeEvents.id, completed?.id ?? ""));
    expect(stored?.status).toBe("processed");
  });
});
