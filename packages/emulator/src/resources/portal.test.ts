import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { captureStripeError, createRecurringPrice, createTestAccount } from "../testing.js";

async function createSubscriber(stripe: Stripe) {
  const customer = await stripe.customers.create({ email: "sub@example.com" });
  const price = await createRecurringPrice(stripe);
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
  });
  return { customer, price, subscription };
}

describe("portal configurations", () => {
  it("creates API configurations that are never the default", async () => {
    const { stripe } = createTestAccount();
    const configuration = await stripe.billingPortal.configurations.create({
      features: { invoice_history: { enabled: true } },
      business_profile: { headline: "Acme billing" },
    });
    expect(configuration).toMatchObject({ is_default: false, active: true, livemode: false });
    expect(configuration.features.invoice_history.enabled).toBe(true);
    expect(configuration.features.subscription_update.enabled).toBe(false);
  });

  it("marks the Dashboard-saved configuration as default and filters by is_default", async () => {
    const account = createTestAccount();
    const { stripe } = account;
    const api = await stripe.billingPortal.configurations.create({
      features: { invoice_history: { enabled: true } },
    });
    const saved = await account.saveDefaultPortal();
    expect(saved.is_default).toBe(true);
    const defaults = await stripe.billingPortal.configurations.list({ is_default: true });
    expect(defaults.data.map((c) => c.id)).toEqual([saved.id]);

    await account.saveDefaultPortal(api.id);
    expect((await stripe.billingPortal.configurations.retrieve(api.id)).is_default).toBe(true);
    expect((await stripe.billingPortal.configurations.retrieve(saved.id)).is_default).toBe(false);
  });

  it("refuses to deactivate the default and validates subscription_update products", async () => {
    const account = createTestAccount();
    const saved = await account.saveDefaultPortal();
    const error = await captureStripeError(
      account.stripe.billingPortal.configurations.update(saved.id, { active: false }),
    );
    expect(error.param).toBe("active");
    const products = await captureStripeError(
      account.stripe.billingPortal.configurations.create({
        features: {
          subscription_update: {
            enabled: true,
            default_allowed_updates: ["price"],
            products: [{ product: "prod_missing", prices: ["price_missing"] }],
          },
        },
      }),
    );
    expect(products).toMatchObject({
      code: "resource_missing",
      param: "features[subscription_update][products][0][product]",
    });
  });
});

describe("portal sessions", () => {
  it("fails with the Dashboard message until settings are saved, per mode", async () => {
    const { stripe, live } = createTestAccount();
    const customer = await stripe.customers.create({});
    const error = await captureStripeError(
      stripe.billingPortal.sessions.create({ customer: customer.id }),
    );
    expect(error.statusCode).toBe(400);
    expect(error.type).toBe("StripeInvalidRequestError");
    expect(error.message).toBe(
      "You can’t create a portal session in test mode until you save your customer portal settings in test mode at https://dashboard.stripe.com/test/settings/billing/portal.",
    );
    const liveCustomer = await live.customers.create({});
    const liveError = await captureStripeError(
      live.billingPortal.sessions.create({ customer: liveCustomer.id }),
    );
    expect(liveError.message).toContain(
      "in live mode at https://dashboard.stripe.com/settings/billing/portal",
    );
  });

  it("creates a session on the default configuration with a working URL", async () => {
    const account = createTestAccount();
    const saved = await account.saveDefaultPortal();
    const customer = await account.stripe.customers.create({ email: "ada@example.com" });
    const session = await account.stripe.billingPortal.sessions.create({
      customer: customer.id,
      return_url: "https://app.example.com/account",
      locale: "fr",
    });
    expect(session).toMatchObject({
      object: "billing_portal.session",
      configuration: saved.id,
      customer: customer.id,
      return_url: "https://app.example.com/account",
      locale: "fr",
      flow: null,
    });
    expect(session.id).toMatch(/^bps_/);
    expect(session.url.startsWith(`${account.url}/p/session/`)).toBe(true);
    const page = await fetch(session.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("ada@example.com");
  });

  it("rejects an inactive or unknown configuration", async () => {
    const account = createTestAccount();
    await account.saveDefaultPortal();
    const { stripe } = account;
    const customer = await stripe.customers.create({});
    const configuration = await stripe.billingPortal.configurations.create({
      features: { invoice_history: { enabled: true } },
    });
    await stripe.billingPortal.configurations.update(configuration.id, { active: false });
    const inactive = await captureStripeError(
      stripe.billingPortal.sessions.create({
        customer: customer.id,
        configuration: configuration.id,
      }),
    );
    expect(inactive).toMatchObject({ statusCode: 400, param: "configuration" });
    const unknown = await captureStripeError(
      stripe.billingPortal.sessions.create({ customer: customer.id, configuration: "bpc_missing" }),
    );
    expect(unknown).toMatchObject({ code: "resource_missing", param: "configuration" });
  });
});

describe("portal session flow_data", () => {
  it("requires the subscription of subscription flows and that it be the customer's", async () => {
    const account = createTestAccount();
    await account.saveDefaultPortal();
    const { stripe } = account;
    const { customer, subscription } = await createSubscriber(stripe);
    const missing = await captureStripeError(
      stripe.billingPortal.sessions.create({
        customer: customer.id,
        flow_data: { type: "subscription_cancel" },
      }),
    );
    expect(missing).toMatchObject({
      code: "parameter_missing",
      param: "flow_data[subscription_cancel]",
    });

    const stranger = await stripe.customers.create({});
    const foreign = await captureStripeError(
      stripe.billingPortal.sessions.create({
        customer: stranger.id,
        flow_data: {
          type: "subscription_cancel",
          subscription_cancel: { subscription: subscription.id },
        },
      }),
    );
    expect(foreign).toMatchObject({
      code: "resource_missing",
      param: "flow_data[subscription_cancel][subscription]",
    });

    const session = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      flow_data: {
        type: "subscription_cancel",
        subscription_cancel: { subscription: subscription.id },
        after_completion: {
          type: "redirect",
          redirect: { return_url: "https://app.example.com/done" },
        },
      },
    });
    expect(session.flow).toMatchObject({
      type: "subscription_cancel",
      subscription_cancel: { subscription: subscription.id, retention: null },
      after_completion: {
        type: "redirect",
        redirect: { return_url: "https://app.example.com/done" },
      },
    });
  });

  it("validates after_completion and flow types", async () => {
    const account = createTestAccount();
    await account.saveDefaultPortal();
    const customer = await account.stripe.customers.create({});
    const redirect = await captureStripeError(
      account.stripe.billingPortal.sessions.create({
        customer: customer.id,
        flow_data: { type: "payment_method_update", after_completion: { type: "redirect" } },
      }),
    );
    expect(redirect.param).toBe("flow_data[after_completion][redirect][return_url]");
    const badType = await captureStripeError(
      account.stripe.billingPortal.sessions.create({
        customer: customer.id,
        flow_data: { type: "teleport" as never },
      }),
    );
    expect(badType.param).toBe("flow_data[type]");
  });

  it("needs the configuration to enable the flow's feature", async () => {
    const { stripe } = createTestAccount();
    const { customer, subscription } = await createSubscriber(stripe);
    const configuration = await stripe.billingPortal.configurations.create({
      features: { invoice_history: { enabled: true } },
    });
    for (const flow_data of [
      { type: "payment_method_update" as const },
      {
        type: "subscription_update" as const,
        subscription_update: { subscription: subscription.id },
      },
    ]) {
      const error = await captureStripeError(
        stripe.billingPortal.sessions.create({
          customer: customer.id,
          configuration: configuration.id,
          flow_data,
        }),
      );
      expect(error).toMatchObject({ statusCode: 400, param: "flow_data[type]" });
    }
  });

  it("checks subscription_update_confirm items against the subscription", async () => {
    const { stripe } = createTestAccount();
    const { customer, price, subscription } = await createSubscriber(stripe);
    const configuration = await stripe.billingPortal.configurations.create({
      features: {
        subscription_update: {
          enabled: true,
          default_allowed_updates: ["price"],
          products: [{ product: price.product as string, prices: [price.id] }],
        },
      },
    });
    const base = { customer: customer.id, configuration: configuration.id };
    const wrongItem = await captureStripeError(
      stripe.billingPortal.sessions.create({
        ...base,
        flow_data: {
          type: "subscription_update_confirm",
          subscription_update_confirm: {
            subscription: subscription.id,
            items: [{ id: "si_other" }],
          },
        },
      }),
    );
    expect(wrongItem.param).toBe("flow_data[subscription_update_confirm][items][0][id]");
    const itemId = subscription.items.data[0]?.id ?? "";
    const session = await stripe.billingPortal.sessions.create({
      ...base,
      flow_data: {
        type: "subscription_update_confirm",
        subscription_update_confirm: {
          subscription: subscription.id,
          items: [{ id: itemId, price: price.id, quantity: 2 }],
        },
      },
    });
    expect(session.flow?.subscription_update_confirm?.items).toEqual([
      { id: itemId, price: price.id, quantity: 2 },
    ]);
  });
});
