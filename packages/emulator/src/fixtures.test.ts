import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createRecurringPrice, createTestAccount, STRIPE_REFERENCE } from "./testing.js";

/**
 * Compares the top-level fields of each object the emulator returns with Stripe's own
 * fixtures and with the pinned API version's types: every fixture field the types still
 * know must be present, and nothing outside the types may appear.
 */
type Schema = { properties: Record<string, unknown>; required?: string[] };
const fixtures = JSON.parse(readFileSync(new URL("fixtures.json", STRIPE_REFERENCE), "utf8"))
  .resources as Record<string, Record<string, unknown>>;
const types = JSON.parse(
  readFileSync(new URL("api-2026-10-28.types.json", STRIPE_REFERENCE), "utf8"),
).resources as Record<string, { objects: Record<string, Schema> }>;

function expectMatchingKeys(
  actual: object,
  fixtureName: string,
  resource: string,
  objectName: string,
) {
  const schema = types[resource]?.objects[objectName];
  const fixture = fixtures[fixtureName];
  if (!schema || !fixture) throw new Error(`No reference for ${fixtureName}`);
  const known = new Set(Object.keys(schema.properties));
  const expected = Object.keys(fixture).filter((key) => known.has(key));
  const keys = Object.keys(actual);
  expect(
    keys.filter((key) => !known.has(key)),
    `${fixtureName}: fields unknown to the types`,
  ).toEqual([]);
  expect(
    expected.filter((key) => !keys.includes(key)),
    `${fixtureName}: fixture fields missing`,
  ).toEqual([]);
  const required = schema.required ?? [];
  expect(
    required.filter((key) => !keys.includes(key)),
    `${fixtureName}: required fields missing`,
  ).toEqual([]);
}

describe("object shapes match Stripe's fixtures", () => {
  it("covers every resource the emulator serves", async () => {
    const account = createTestAccount();
    const { stripe } = account;
    await account.saveDefaultPortal();
    const customer = await stripe.customers.create({ email: "shape@example.com" });
    const product = await stripe.products.create({ name: "Shape" });
    const price = await createRecurringPrice(stripe, { product: product.id });
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    const session = await stripe.billingPortal.sessions.create({ customer: customer.id });
    const configuration = await stripe.billingPortal.configurations.retrieve(
      session.configuration as string,
    );
    const [event] = (await stripe.events.list({ limit: 1 })).data;

    expectMatchingKeys(customer, "customer", "Customers", "Customer");
    expectMatchingKeys(product, "product", "Products", "Product");
    expectMatchingKeys(price, "price", "Prices", "Price");
    expectMatchingKeys(subscription, "subscription", "Subscriptions", "Subscription");
    const item = subscription.items.data[0] ?? {};
    expectMatchingKeys(item, "subscription_item", "SubscriptionItems", "SubscriptionItem");
    expectMatchingKeys(session, "billing_portal.session", "BillingPortal/Sessions", "Session");
    expectMatchingKeys(
      configuration,
      "billing_portal.configuration",
      "BillingPortal/Configurations",
      "Configuration",
    );
    expectMatchingKeys(event ?? {}, "event", "Events", "EventBase");
  });

  it("covers payment methods, invoices and checkout sessions", async () => {
    const { stripe } = createTestAccount();
    const customer = await stripe.customers.create({});
    const paymentMethod = await stripe.paymentMethods.attach("pm_card_visa", {
      customer: customer.id,
    });
    const price = await createRecurringPrice(stripe);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: paymentMethod.id,
    });
    const invoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
    const checkout = await stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: price.id }],
      success_url: "https://example.com/success",
    });

    expectMatchingKeys(paymentMethod, "payment_method", "PaymentMethods", "PaymentMethod");
    expectMatchingKeys(invoice, "invoice", "Invoices", "Invoice");
    expectMatchingKeys(checkout, "checkout.session", "Checkout/Sessions", "Session");
  });
});
