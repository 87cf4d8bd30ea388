import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { captureStripeError, createRecurringPrice, createTestAccount } from "../testing.js";

/** `features.subscription_update.products[].adjustable_quantity` on portal configurations. */

type ProductParam =
  Stripe.BillingPortal.ConfigurationCreateParams.Features.SubscriptionUpdate.Product;

async function createSeatConfiguration(
  stripe: Stripe,
  adjustable?: ProductParam["adjustable_quantity"],
) {
  const price = await createRecurringPrice(stripe);
  const product = price.product as string;
  const configuration = await stripe.billingPortal.configurations.create({
    features: {
      subscription_update: {
        enabled: true,
        default_allowed_updates: ["price", "quantity"],
        products: [
          {
            product,
            prices: [price.id],
            ...(adjustable ? { adjustable_quantity: adjustable } : {}),
          },
        ],
      },
    },
  });
  return { price, product, configuration };
}

const adjustableOf = (configuration: Stripe.BillingPortal.Configuration) =>
  configuration.features.subscription_update.products?.[0]?.adjustable_quantity;

describe("adjustable_quantity: happy path", () => {
  it("stores and returns the limits on create, retrieve and list", async () => {
    const { stripe } = createTestAccount();
    const { configuration } = await createSeatConfiguration(stripe, {
      enabled: true,
      minimum: 2,
      maximum: 20,
    });
    const expected = { enabled: true, maximum: 20, minimum: 2 };
    expect(adjustableOf(configuration)).toEqual(expected);
    expect(configuration.features.subscription_update.default_allowed_updates).toEqual([
      "price",
      "quantity",
    ]);
    expect(
      adjustableOf(await stripe.billingPortal.configurations.retrieve(configuration.id)),
    ).toEqual(expected);
    const listed = await stripe.billingPortal.configurations.list();
    const found = listed.data.find((entry) => entry.id === configuration.id);
    expect(found && adjustableOf(found)).toEqual(expected);
  });

  it("defaults to disabled, minimum 1 and no maximum", async () => {
    const { stripe } = createTestAccount();
    const { configuration } = await createSeatConfiguration(stripe);
    expect(adjustableOf(configuration)).toEqual({ enabled: false, maximum: null, minimum: 1 });
    const onlyEnabled = await createSeatConfiguration(stripe, { enabled: true });
    expect(adjustableOf(onlyEnabled.configuration)).toEqual({
      enabled: true,
      maximum: null,
      minimum: 1,
    });
  });

  it("accepts minimum 0, and keeps the limits across unrelated updates", async () => {
    const { stripe } = createTestAccount();
    const { configuration, product, price } = await createSeatConfiguration(stripe);
    const updated = await stripe.billingPortal.configurations.update(configuration.id, {
      features: {
        subscription_update: {
          products: [
            { product, prices: [price.id], adjustable_quantity: { enabled: true, minimum: 0 } },
          ],
        },
      },
    });
    expect(adjustableOf(updated)).toEqual({ enabled: true, maximum: null, minimum: 0 });
    const renamed = await stripe.billingPortal.configurations.update(configuration.id, {
      business_profile: { headline: "Seats" },
    });
    expect(adjustableOf(renamed)).toEqual({ enabled: true, maximum: null, minimum: 0 });
  });
});

describe("adjustable_quantity: errors", () => {
  const param = "features[subscription_update][products][0][adjustable_quantity]";

  it("refuses a maximum below the minimum", async () => {
    const { stripe } = createTestAccount();
    const error = await captureStripeError(
      createSeatConfiguration(stripe, { enabled: true, minimum: 5, maximum: 3 }),
    );
    expect(error).toMatchObject({
      statusCode: 400,
      type: "StripeInvalidRequestError",
      param: `${param}[maximum]`,
    });
    const { configuration, product, price } = await createSeatConfiguration(stripe);
    const onUpdate = await captureStripeError(
      stripe.billingPortal.configurations.update(configuration.id, {
        features: {
          subscription_update: {
            products: [
              { product, prices: [price.id], adjustable_quantity: { enabled: true, maximum: 0 } },
            ],
          },
        },
      }),
    );
    expect(onUpdate).toMatchObject({ statusCode: 400, param: `${param}[maximum]` });
    expect(
      adjustableOf(await stripe.billingPortal.configurations.retrieve(configuration.id)),
    ).toEqual({ enabled: false, maximum: null, minimum: 1 });
  });

  it("refuses a negative or fractional minimum and a missing enabled flag", async () => {
    const { stripe } = createTestAccount();
    const negative = await captureStripeError(
      createSeatConfiguration(stripe, { enabled: true, minimum: -1 }),
    );
    expect(negative).toMatchObject({ statusCode: 400, param: `${param}[minimum]` });
    const fractional = await captureStripeError(
      createSeatConfiguration(stripe, { enabled: true, minimum: 1.5 }),
    );
    expect(fractional).toMatchObject({
      statusCode: 400,
      code: "parameter_invalid_integer",
      param: `${param}[minimum]`,
    });
    const missing = await captureStripeError(
      createSeatConfiguration(stripe, { minimum: 2 } as ProductParam["adjustable_quantity"]),
    );
    expect(missing).toMatchObject({
      statusCode: 400,
      code: "parameter_missing",
      param: `${param}[enabled]`,
    });
  });

  it("refuses an unknown allowed update", async () => {
    const { stripe } = createTestAccount();
    const error = await captureStripeError(
      stripe.billingPortal.configurations.create({
        features: {
          subscription_update: {
            enabled: false,
            default_allowed_updates: ["seats" as "quantity"],
          },
        },
      }),
    );
    expect(error).toMatchObject({
      statusCode: 400,
      param: "features[subscription_update][default_allowed_updates][0]",
    });
  });
});
