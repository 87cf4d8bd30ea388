import { describe, expect, it } from "vitest";
import { captureStripeError, createTestAccount } from "../testing.js";

describe("customers", () => {
  it("creates, updates and retrieves with metadata semantics", async () => {
    const { stripe } = createTestAccount();
    const created = await stripe.customers.create({
      email: "a@example.com",
      metadata: { plan: "pro", team: "x" },
    });
    expect(created.id).toMatch(/^cus_/);
    expect(created.invoice_settings.default_payment_method).toBeNull();
    const updated = await stripe.customers.update(created.id, {
      name: "Ada",
      metadata: { team: "" },
    });
    expect(updated.metadata).toEqual({ plan: "pro" });
    expect(updated.name).toBe("Ada");
    expect(await stripe.customers.retrieve(created.id)).toMatchObject({ name: "Ada" });
  });

  it("returns the deleted stub after delete and refuses it as a parameter", async () => {
    const { stripe } = createTestAccount();
    const customer = await stripe.customers.create({});
    const deleted = await stripe.customers.del(customer.id);
    expect(deleted).toMatchObject({ id: customer.id, object: "customer", deleted: true });
    const retrieved = await stripe.customers.retrieve(customer.id);
    expect(retrieved.deleted).toBe(true);
    expect((await stripe.customers.list()).data).toEqual([]);
    const error = await captureStripeError(
      stripe.billingPortal.sessions.create({ customer: customer.id }),
    );
    expect(error).toMatchObject({ statusCode: 400, code: "resource_missing", param: "customer" });
    const again = await captureStripeError(stripe.customers.del(customer.id));
    expect(again.statusCode).toBe(404);
  });

  it("refuses unknown payment methods until payment methods exist", async () => {
    const { stripe } = createTestAccount();
    const customer = await stripe.customers.create({});
    const error = await captureStripeError(
      stripe.customers.update(customer.id, {
        invoice_settings: { default_payment_method: "pm_missing" },
      }),
    );
    expect(error).toMatchObject({
      code: "resource_missing",
      param: "invoice_settings[default_payment_method]",
      message: "No such PaymentMethod: 'pm_missing'",
    });
  });
});

describe("lists", () => {
  it("pages newest first with starting_after, ending_before and has_more", async () => {
    const { stripe } = createTestAccount();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await stripe.customers.create({ name: `c${i}` })).id);
    const newestFirst = [...ids].reverse();

    const first = await stripe.customers.list({ limit: 2 });
    expect(first.object).toBe("list");
    expect(first.url).toBe("/v1/customers");
    expect(first.data.map((c) => c.id)).toEqual(newestFirst.slice(0, 2));
    expect(first.has_more).toBe(true);

    const last = await stripe.customers.list({ limit: 2, starting_after: newestFirst[3] });
    expect(last.data.map((c) => c.id)).toEqual(newestFirst.slice(4));
    expect(last.has_more).toBe(false);

    const before = await stripe.customers.list({ limit: 2, ending_before: newestFirst[3] });
    expect(before.data.map((c) => c.id)).toEqual(newestFirst.slice(1, 3));
    expect(before.has_more).toBe(true);
  });

  it("auto-paginates through every page", async () => {
    const { stripe } = createTestAccount();
    for (let i = 0; i < 7; i++) await stripe.customers.create({});
    const seen: string[] = [];
    for await (const customer of stripe.customers.list({ limit: 3 })) seen.push(customer.id);
    expect(new Set(seen).size).toBe(7);
  });

  it("filters by email and rejects an unknown cursor", async () => {
    const { stripe } = createTestAccount();
    await stripe.customers.create({ email: "one@example.com" });
    const two = await stripe.customers.create({ email: "two@example.com" });
    const found = await stripe.customers.list({ email: "two@example.com" });
    expect(found.data.map((c) => c.id)).toEqual([two.id]);
    const error = await captureStripeError(stripe.customers.list({ starting_after: "cus_nope" }));
    expect(error).toMatchObject({ statusCode: 400, param: "starting_after" });
  });

  it("expands relations on list items", async () => {
    const { stripe } = createTestAccount();
    const price = await stripe.prices.create({
      currency: "usd",
      unit_amount: 500,
      recurring: { interval: "month" },
      product_data: { name: "Basic" },
    });
    const prices = await stripe.prices.list({ expand: ["data.product"] });
    const product = prices.data.find((p) => p.id === price.id)?.product;
    expect(product).toMatchObject({ object: "product", name: "Basic" });
    const error = await captureStripeError(stripe.prices.list({ expand: ["data.currency"] }));
    expect(error.message).toBe("This property cannot be expanded (data.currency).");
  });
});
