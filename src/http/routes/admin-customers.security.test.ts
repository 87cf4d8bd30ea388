import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_ONLY_ENV, adminCustomers } from "../../../test/admin-customers.js";
import { ADMIN_TOKEN } from "../../../test/admin-projects.js";
import { signUp, startTestPortico, type TestPortico } from "../../../test/portico.js";
import { listAudit } from "../../db/audit-log.js";

describe("admin customer links, security", () => {
  let t: TestPortico;
  beforeAll(async () => {
    t = await startTestPortico({ env: ADMIN_ONLY_ENV });
  });
  afterAll(() => t.close());

  it("answers 401 without the token or with a wrong one, and links nothing", async () => {
    const { user } = await signUp(t);
    const customer = await t.stripe.test.customers.create({});
    const body = { subject: `user:${user.id}`, customerId: customer.id };
    for (const token of [null, `${ADMIN_TOKEN}x`]) {
      const answer = await adminCustomers(t, "POST", "/links", { body, token });
      expect(answer.status).toBe(401);
    }
    expect(await listAudit(t.portico.database.db, { stripeCustomerId: customer.id })).toEqual([]);
  });

  it("is not mounted without PORTICO_ADMIN_TOKEN_SHA256", async () => {
    const bare = await startTestPortico();
    try {
      const answer = await fetch(`${bare.url}/api/admin/customers/links?subject=x`);
      expect(answer.status).toBe(404);
    } finally {
      await bare.close();
    }
  });
});
