import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_ONLY_ENV, adminCustomers } from "../../../test/admin-customers.js";
import { giveCustomer, signUp, startTestPortico, type TestPortico } from "../../../test/portico.js";
import { listAudit } from "../../db/audit-log.js";

describe("admin customer links", () => {
  let t: TestPortico;
  beforeAll(async () => {
    // Only the admin token: customer links need no projects (no PORTICO_ENCRYPTION_KEY).
    t = await startTestPortico({ env: ADMIN_ONLY_ENV });
  });
  afterAll(() => t.close());

  describe("happy", () => {
    it("links a customer, lists it, and audits the admin API as the source", async () => {
      const { user } = await signUp(t);
      const customer = await t.stripe.test.customers.create({});
      const linked = await adminCustomers(t, "POST", "/links", {
        body: { subject: `user:${user.id}`, customerId: customer.id, mode: "test" },
      });
      expect(linked.status).toBe(200);
      expect(linked.body).toMatchObject({
        success: true,
        data: { subject: `user:${user.id}`, customerId: customer.id, status: "linked" },
      });
      const list = await adminCustomers(t, "GET", `/links?subject=user:${user.id}`);
      expect(list.body.data).toEqual({
        subject: `user:${user.id}`,
        links: [{ mode: "test", customerId: customer.id }],
      });
      const audit = await listAudit(t.portico.database.db, { stripeCustomerId: customer.id });
      expect(audit).toMatchObject([{ source: "admin_api", action: "customer.linked" }]);
    });
  });

  describe("errors", () => {
    it("answers 409 for a customer linked elsewhere", async () => {
      const owner = await signUp(t);
      const customer = await giveCustomer(t, owner.user.id);
      const { user } = await signUp(t);
      const answer = await adminCustomers(t, "POST", "/links", {
        body: { subject: user.email, customerId: customer.id },
      });
      expect(answer.status).toBe(409);
      expect(answer.body.error?.code).toBe("CUSTOMER_LINK_CONFLICT");
    });

    it("answers 404 for an unknown subject or customer, 422 for a bad body", async () => {
      const { user } = await signUp(t);
      const customer = await t.stripe.test.customers.create({});
      const unknownUser = await adminCustomers(t, "POST", "/links", {
        body: { subject: "user:00000000-0000-4000-8000-000000000000", customerId: customer.id },
      });
      expect(unknownUser.status).toBe(404);
      const unknownCustomer = await adminCustomers(t, "POST", "/links", {
        body: { subject: `user:${user.id}`, customerId: "cus_missing" },
      });
      expect(unknownCustomer.status).toBe(404);
      const bad = await adminCustomers(t, "POST", "/links", {
        body: { subject: `user:${user.id}`, customerId: customer.id, mode: "sandbox" },
      });
      expect(bad.status).toBe(422);
    });
  });
});
