import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedHost, startEmbeddedHost } from "../../test/embedded.js";

type View = { data: { plan: string | null; status: string | null } };

describe("identify() naming a user's Stripe customer", () => {
  let host: EmbeddedHost;
  let priceId: string;
  beforeAll(async () => {
    host = await startEmbeddedHost();
    const [price] = (await host.stripe.prices.list({ lookup_keys: ["pro_monthly"] })).data;
    priceId = price?.id ?? "";
  });
  afterAll(() => host.close());

  /** A customer the host app created on its own, before Portico, subscribed to Pro. */
  async function existingCustomer() {
    const customer = await host.stripe.customers.create({});
    await host.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: priceId }],
      trial_period_days: 7,
    });
    return customer;
  }
  const viewOf = async (authorization: string) => {
    const response = await fetch(`${host.url}/api/billing/subscription`, {
      headers: { authorization },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as View).data;
  };

  it("adopts it on first sight: the plan is right without a checkout", async () => {
    const customer = await existingCustomer();
    const { authorization } = host.signIn({
      id: `host-${randomUUID()}`,
      stripeCustomerId: customer.id,
    });
    expect(await viewOf(authorization)).toMatchObject({ plan: "pro", status: "trialing" });
    const portal = await fetch(`${host.url}/api/billing/portal`, {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify({ returnUrl: "http://localhost:3000" }),
    });
    expect(portal.status).toBe(200);
  });

  it("never moves a customer another user has, and answers the request anyway", async () => {
    const customer = await existingCustomer();
    const owner = host.signIn({ id: `host-${randomUUID()}`, stripeCustomerId: customer.id });
    expect((await viewOf(owner.authorization)).plan).toBe("pro");

    const other = host.signIn({ id: `host-${randomUUID()}`, stripeCustomerId: customer.id });
    expect((await viewOf(other.authorization)).plan).not.toBe("pro");
    expect((await viewOf(owner.authorization)).plan).toBe("pro");
  });

  it("does not adopt a deleted or unknown customer", async () => {
    const deleted = await host.stripe.customers.create({});
    await host.stripe.customers.del(deleted.id);
    for (const stripeCustomerId of [deleted.id, "cus_neverexisted"]) {
      const { authorization } = host.signIn({ id: `host-${randomUUID()}`, stripeCustomerId });
      expect((await viewOf(authorization)).plan).not.toBe("pro");
    }
  });
});
