import { describe, expect, it } from "vitest";
import {
  captureStripeError,
  createRecurringPrice,
  createTestAccount,
  subscribeNewCustomer,
} from "../testing.js";

describe("search", () => {
  it("finds customers by email, metadata and AND/OR, in Stripe's search_result shape", async () => {
    const { stripe } = createTestAccount();
    const ada = await stripe.customers.create({
      email: "ada@example.com",
      metadata: { team: "core" },
    });
    const bob = await stripe.customers.create({
      email: "bob@example.com",
      metadata: { team: "core" },
    });
    await stripe.customers.create({ email: "eve@example.com", metadata: { team: "ops" } });

    const byEmail = await stripe.customers.search({ query: "email:'ada@example.com'" });
    expect(byEmail).toEqual({
      object: "search_result",
      data: [expect.objectContaining({ id: ada.id })],
      has_more: false,
      next_page: null,
      url: "/v1/customers/search",
    });
    const team = await stripe.customers.search({ query: `metadata['team']:'core'` });
    expect(team.data.map((c) => c.id)).toEqual([bob.id, ada.id]);
    const both = await stripe.customers.search({
      query: `metadata["team"]:"core" AND email:"bob@example.com"`,
    });
    expect(both.data.map((c) => c.id)).toEqual([bob.id]);
    const either = await stripe.customers.search({
      query: "email:'ada@example.com' OR email:'eve@example.com'",
    });
    expect(either.data).toHaveLength(2);
    const negated = await stripe.customers.search({ query: `-metadata['team']:'core'` });
    expect(negated.data.map((c) => c.email)).toEqual(["eve@example.com"]);
  });

  it("pages with next_page and counts with expand total_count", async () => {
    const { stripe } = createTestAccount();
    for (let i = 0; i < 5; i++) await stripe.customers.create({ metadata: { batch: "1" } });
    const first = await stripe.customers.search({
      query: "metadata['batch']:'1'",
      limit: 2,
      expand: ["total_count"],
    });
    expect(first).toMatchObject({ has_more: true, total_count: 5 });
    expect(first.next_page).toEqual(expect.any(String));
    const seen: string[] = [];
    for await (const customer of stripe.customers.search({
      query: "metadata['batch']:'1'",
      limit: 2,
    })) {
      seen.push(customer.id);
    }
    expect(new Set(seen).size).toBe(5);
  });

  it("finds subscriptions by status and invoices by customer", async () => {
    const { stripe } = createTestAccount();
    const price = await createRecurringPrice(stripe);
    const active = await subscribeNewCustomer(stripe, price.id);
    const other = await subscribeNewCustomer(stripe, price.id);
    await stripe.subscriptions.cancel(other.id);

    const found = await stripe.subscriptions.search({ query: "status:'active'" });
    expect(found.data.map((s) => s.id)).toEqual([active.id]);
    const invoices = await stripe.invoices.search({
      query: `customer:'${active.customer}' AND status:'paid'`,
    });
    expect(invoices.data.map((i) => i.id)).toEqual([active.latest_invoice]);
  });

  it("refuses a query it cannot parse, an unknown field and a mix of AND and OR", async () => {
    const { stripe } = createTestAccount();
    const unparsable = await captureStripeError(stripe.customers.search({ query: "email=" }));
    expect(unparsable).toMatchObject({
      statusCode: 400,
      type: "StripeInvalidRequestError",
      param: "query",
    });
    expect(unparsable.message).toMatch(/unable to parse your search query/);
    const field = await captureStripeError(
      stripe.subscriptions.search({ query: "customer:'cus_1'" }),
    );
    expect(field.message).toMatch(/`customer` is an unsupported search field/);
    const mixed = await captureStripeError(
      stripe.customers.search({ query: "email:'a' AND name:'b' OR phone:'c'" }),
    );
    expect(mixed).toMatchObject({ statusCode: 400, param: "query" });
  });
});
