import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyCatalog, EXAMPLE_BILLING_CONFIG } from "../../test/checkout.js";
import { runCustomersCli } from "../../test/customers-cli.js";
import { giveCustomer, signUp, startTestPortico, type TestPortico } from "../../test/portico.js";
import { callAs } from "../../test/projects.js";
import { listAudit } from "../db/audit-log.js";
import { findBillingCustomer } from "../db/billing-customers.js";
import { userSubjectId } from "../db/subjects.js";

describe("portico customers link", () => {
  let t: TestPortico;
  beforeAll(async () => {
    t = await startTestPortico({ env: { PORTICO_CONFIG: EXAMPLE_BILLING_CONFIG } });
    await applyCatalog(t);
  });
  afterAll(() => t.close());

  const linkedCustomer = async (userId: string) =>
    (await findBillingCustomer(t.portico.database.db, userSubjectId(userId), false))
      ?.stripeCustomerId;

  describe("happy", () => {
    it("links by email, pulls the plan, audits, and is idempotent", async () => {
      const { user, email, token } = await signUp(t);
      const customer = await t.stripe.test.customers.create({ email });
      const [price] = (await t.stripe.test.prices.list({ lookup_keys: ["starter_monthly"] })).data;
      await t.stripe.test.subscriptions.create({
        customer: customer.id,
        items: [{ price: price?.id ?? "" }],
        trial_period_days: 7,
      });

      const run = await runCustomersCli(t, "link", email, customer.id);
      expect(run.err).toBe("");
      expect(run.code).toBe(0);
      expect(run.out).toContain(`Linked ${customer.id} to user:${user.id}`);
      expect(await linkedCustomer(user.id)).toBe(customer.id);
      const view = await callAs(t, "/api/billing/subscription", token);
      expect(((await view.json()) as { data: { plan: string } }).data.plan).toBe("starter");
      expect(
        await listAudit(t.portico.database.db, { stripeCustomerId: customer.id }),
      ).toMatchObject([
        { action: "customer.linked", source: "cli", subject: `user:${user.id}`, livemode: false },
      ]);

      const again = await runCustomersCli(t, "link", `user:${user.id}`, customer.id, "--json");
      expect(again.code).toBe(0);
      expect(JSON.parse(again.out)).toMatchObject({ status: "unchanged", synced: true });
      expect(
        await listAudit(t.portico.database.db, { stripeCustomerId: customer.id }),
      ).toHaveLength(1);
    });
  });

  describe("errors", () => {
    it("never moves a customer linked to someone else", async () => {
      const owner = await signUp(t);
      const customer = await giveCustomer(t, owner.user.id);
      const other = await signUp(t);
      const run = await runCustomersCli(t, "link", `user:${other.user.id}`, customer.id);
      expect(run.code).toBe(1);
      expect(run.err).toContain(`already linked to user:${owner.user.id}`);
      expect(await linkedCustomer(other.user.id)).toBeUndefined();
      expect(await linkedCustomer(owner.user.id)).toBe(customer.id);
    });

    it("never replaces a subject's customer in that mode", async () => {
      const { user } = await signUp(t);
      const current = await giveCustomer(t, user.id);
      const another = await t.stripe.test.customers.create({});
      const run = await runCustomersCli(t, "link", user.id, another.id);
      expect(run.code).toBe(1);
      expect(run.err).toContain(`already has Stripe customer ${current.id} in test mode`);
      expect(await linkedCustomer(user.id)).toBe(current.id);
    });

    it("refuses a deleted customer, an unknown one, and one of the other mode", async () => {
      const { user } = await signUp(t);
      const deleted = await t.stripe.test.customers.create({});
      await t.stripe.test.customers.del(deleted.id);
      const live = await t.stripe.live.customers.create({});
      const cases: [string, string][] = [
        [deleted.id, "is deleted"],
        ["cus_doesnotexist", "No Stripe customer cus_doesnotexist in test mode"],
        [live.id, "in test mode"],
      ];
      for (const [customerId, message] of cases) {
        const run = await runCustomersCli(t, "link", `user:${user.id}`, customerId);
        expect(run.code, customerId).toBe(1);
        expect(run.err).toContain(message);
      }
      expect(await linkedCustomer(user.id)).toBeUndefined();
      expect(await listAudit(t.portico.database.db, { subject: `user:${user.id}` })).toEqual([]);
    });

    it("refuses an unknown subject and a subject it cannot parse", async () => {
      const customer = await t.stripe.test.customers.create({});
      const unknown = await runCustomersCli(t, "link", "email:nobody@example.com", customer.id);
      expect(unknown.code).toBe(1);
      expect(unknown.err).toContain("No user found for email:nobody@example.com");
      const garbled = await runCustomersCli(t, "link", "someone", customer.id);
      expect(garbled.code).toBe(1);
      expect(garbled.err).toContain("Name the subject as user:<id>");
    });
  });
});
