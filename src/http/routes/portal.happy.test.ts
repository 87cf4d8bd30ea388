import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  APP_URL,
  giveCustomer,
  portalAudits,
  postJson,
  saveDefaultPortal,
  signUp,
  startTestPortico,
  type TestPortico,
} from "../../../test/portico.js";

describe("POST /api/billing/portal, happy paths", () => {
  let t: TestPortico;
  let monthly: Stripe.Price;
  let annual: Stripe.Price;
  beforeAll(async () => {
    t = await startTestPortico({ env: { PORTAL_CONFIGURATIONS: "default,retention" } });
    const product = await t.stripe.test.products.create({ name: "Pro" });
    monthly = await t.stripe.test.prices.create({
      product: product.id,
      unit_amount: 2900,
      currency: "usd",
      recurring: { interval: "month" },
    });
    annual = await t.stripe.test.prices.create({
      product: product.id,
      unit_amount: 29000,
      currency: "usd",
      recurring: { interval: "year" },
    });
    const plans = [{ product: product.id, prices: [monthly.id, annual.id] }];
    await saveDefaultPortal(t, "test", "default", plans);
    await saveDefaultPortal(t, "test", "retention", plans);
  });
  afterAll(() => t.close());

  async function customerWithSubscription() {
    const user = await signUp(t);
    const customer = await giveCustomer(t, user.user.id);
    const product = await t.stripe.test.products.create({ name: "Pro" });
    const price = await t.stripe.test.prices.create({
      product: product.id,
      unit_amount: 2900,
      currency: "usd",
      recurring: { interval: "month" },
    });
    const subscription = await t.stripe.test.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    return { user, customer, price, subscription };
  }

  it("returns a fresh portal URL on every call and records each session", async () => {
    const { token, user } = await signUp(t);
    const customer = await giveCustomer(t, user.id);
    const body = { returnUrl: `${APP_URL}/settings/billing` };

    const first = await postJson(t, "/api/billing/portal", body, token);
    const second = await postJson(t, "/api/billing/portal", body, token);
    expect(first.status).toBe(200);
    const a = (await first.json()) as { success: boolean; data: { url: string } };
    const b = (await second.json()) as { data: { url: string } };
    expect(a.success).toBe(true);
    expect(a.data.url.startsWith(t.emulatorUrl)).toBe(true);
    expect(b.data.url).not.toBe(a.data.url);

    // Written behind the response.
    const rows = await portalAudits(t, user.id);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      livemode: false,
      stripeCustomerId: customer.id,
      flowType: null,
    });
    expect(rows[0]?.stripeSessionId).toMatch(/^bps_/);
    // The URL itself is never stored.
    expect(JSON.stringify(rows)).not.toContain(a.data.url);
    expect(JSON.stringify(rows)).not.toContain(new URL(a.data.url).pathname);
  });

  it("passes Portico's default configuration explicitly, and an allowed one by name", async () => {
    const { token, user } = await signUp(t);
    await giveCustomer(t, user.id);
    const configurations = await t.stripe.test.billingPortal.configurations.list({ limit: 100 });
    const byName = (name: string) =>
      configurations.data.find((c) => c.metadata?.portico_key === name)?.id;

    await postJson(t, "/api/billing/portal", { returnUrl: APP_URL }, token);
    await postJson(
      t,
      "/api/billing/portal",
      { returnUrl: APP_URL, configuration: "retention" },
      token,
    );
    const rows = await portalAudits(t, user.id);
    expect(rows.map((row) => row.configuration).sort()).toEqual(
      [byName("default"), byName("retention")].sort(),
    );
  });

  it("echoes a valid X-Request-Id and audits it", async () => {
    const { token, user } = await signUp(t);
    await giveCustomer(t, user.id);
    const response = await fetch(`${t.url}/api/billing/portal`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${token}`,
        "x-request-id": "trace-123",
      },
      body: JSON.stringify({ returnUrl: APP_URL, locale: "fr" }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("trace-123");
    const [row] = await portalAudits(t, user.id);
    expect(row?.requestId).toBe("trace-123");
  });

  it.each(["payment_method_update", "customer_update"] as const)(
    "opens the %s flow",
    async (type) => {
      const { token, user } = await signUp(t);
      await giveCustomer(t, user.id);
      const response = await postJson(
        t,
        "/api/billing/portal",
        { returnUrl: APP_URL, flow: { type } },
        token,
      );
      expect(response.status).toBe(200);
      const [row] = await portalAudits(t, user.id);
      expect(row?.flowType).toBe(type);
    },
  );

  it.each(["subscription_cancel", "subscription_update", "subscription_pause"] as const)(
    "opens the %s flow on the caller's current subscription, or a named one",
    async (type) => {
      const { user, subscription } = await customerWithSubscription();
      const implicit = await postJson(
        t,
        "/api/billing/portal",
        { returnUrl: APP_URL, flow: { type } },
        user.token,
      );
      expect(implicit.status).toBe(200);
      const explicit = await postJson(
        t,
        "/api/billing/portal",
        { returnUrl: APP_URL, flow: { type, subscription: subscription.id } },
        user.token,
      );
      expect(explicit.status).toBe(200);
    },
  );

  it("opens subscription_update_confirm for a new price", async () => {
    const { user } = await customerWithSubscription();
    const response = await postJson(
      t,
      "/api/billing/portal",
      { returnUrl: APP_URL, flow: { type: "subscription_update_confirm", price: annual.id } },
      user.token,
    );
    expect(response.status).toBe(200);
  });

  it("accepts the session cookie instead of a bearer token", async () => {
    const { user, email, password } = await signUp(t);
    await giveCustomer(t, user.id);
    const login = await postJson(t, "/api/auth/login", { email, password });
    const cookie = login.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/portico_session=pt_[\w-]+;/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const response = await fetch(`${t.url}/api/billing/portal`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        cookie: cookie.split(";")[0] ?? "",
        origin: APP_URL,
      },
      body: JSON.stringify({ returnUrl: APP_URL }),
    });
    expect(response.status).toBe(200);
  });

  it("answers a same-origin form post with 303 to the portal", async () => {
    const { user, token } = await signUp(t);
    await giveCustomer(t, user.id);
    const response = await fetch(`${t.url}/api/billing/portal`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: `portico_session=${token}`,
        origin: APP_URL,
      },
      body: new URLSearchParams({ flow: "payment_method_update" }),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")?.startsWith(t.emulatorUrl)).toBe(true);
    const [row] = await portalAudits(t, user.id);
    expect(row?.flowType).toBe("payment_method_update");
  });
});
