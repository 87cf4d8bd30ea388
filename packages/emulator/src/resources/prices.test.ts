import { describe, expect, it } from "vitest";
import { captureStripeError, createTestAccount } from "../testing.js";

describe("products and prices", () => {
  it("creates prices with product_data and filters lists", async () => {
    const { stripe } = createTestAccount();
    const product = await stripe.products.create({ name: "Pro" });
    const monthly = await stripe.prices.create({
      currency: "USD",
      unit_amount: 2000,
      recurring: { interval: "month" },
      product: product.id,
      lookup_key: "pro_monthly",
    });
    expect(monthly).toMatchObject({ currency: "usd", type: "recurring", product: product.id });
    expect(monthly.recurring).toMatchObject({ interval: "month", interval_count: 1 });
    const once = await stripe.prices.create({
      currency: "usd",
      unit_amount: 300,
      product: product.id,
    });
    expect(once.type).toBe("one_time");

    const byKey = await stripe.prices.list({ lookup_keys: ["pro_monthly"] });
    expect(byKey.data.map((p) => p.id)).toEqual([monthly.id]);
    const recurring = await stripe.prices.list({ type: "recurring", product: product.id });
    expect(recurring.data.map((p) => p.id)).toEqual([monthly.id]);
    const ids = await stripe.products.list({ ids: [product.id] });
    expect(ids.data.map((p) => p.id)).toEqual([product.id]);
  });

  it("refuses a duplicate lookup_key unless transferred", async () => {
    const { stripe } = createTestAccount();
    const params = {
      currency: "usd",
      unit_amount: 100,
      product_data: { name: "X" },
      lookup_key: "k",
    };
    const first = await stripe.prices.create(params);
    const error = await captureStripeError(stripe.prices.create(params));
    expect(error).toMatchObject({ statusCode: 400, param: "lookup_key" });
    const second = await stripe.prices.create({ ...params, transfer_lookup_key: true });
    expect(second.lookup_key).toBe("k");
    expect((await stripe.prices.retrieve(first.id)).lookup_key).toBeNull();
  });

  it("updates active, nickname and metadata", async () => {
    const { stripe } = createTestAccount();
    const price = await stripe.prices.create({
      currency: "usd",
      unit_amount: 1,
      product_data: { name: "Y" },
    });
    const updated = await stripe.prices.update(price.id, {
      active: false,
      nickname: "old",
      metadata: { a: "b" },
    });
    expect(updated).toMatchObject({ active: false, nickname: "old", metadata: { a: "b" } });
    expect((await stripe.prices.list({ active: false })).data.map((p) => p.id)).toEqual([price.id]);
  });

  it("rejects an unknown product as a parameter", async () => {
    const { stripe } = createTestAccount();
    const error = await captureStripeError(
      stripe.prices.create({ currency: "usd", unit_amount: 1, product: "prod_missing" }),
    );
    expect(error).toMatchObject({ code: "resource_missing", param: "product" });
  });
});
