import { eq } from "drizzle-orm";
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
import { hashToken } from "../../auth/tokens.js";
import { billingCustomers, sessions } from "../../db/schema.js";

type Envelope = {
  success: false;
  error: { code: string; message: string; requestId: string; details?: unknown[] };
};

async function expectError(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  const body = (await response.json()) as Envelope;
  expect(body.success).toBe(false);
  expect(body.error.code).toBe(code);
  expect(body.error.requestId).toBeTruthy();
  return body.error;
}

describe("POST /api/billing/portal, errors", () => {
  let t: TestPortico;
  beforeAll(async () => {
    t = await startTestPortico({
      env: { PORTAL_CONFIGURATIONS: "default", RATE_LIMIT_PORTAL: "3/60s" },
    });
    await saveDefaultPortal(t);
  });
  afterAll(() => t.close());

  const body = { returnUrl: `${APP_URL}/settings/billing` };

  async function readyUser() {
    const user = await signUp(t);
    const customer = await giveCustomer(t, user.user.id);
    return { ...user, customer };
  }

  describe("401", () => {
    it.each([
      ["no credential", undefined],
      ["a malformed token", "pt_nope"],
      ["an unknown token", `pt_${"A".repeat(43)}`],
      ["a JWT when none is configured", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"],
    ])("for %s, with one uniform body", async (_, token) => {
      const error = await expectError(
        await postJson(t, "/api/billing/portal", body, token),
        401,
        "UNAUTHORIZED",
      );
      expect(error.message).toBe("Authentication required");
    });

    it("for a revoked token", async () => {
      const { token } = await readyUser();
      expect((await postJson(t, "/api/auth/logout", {}, token)).status).toBe(200);
      await expectError(await postJson(t, "/api/billing/portal", body, token), 401, "UNAUTHORIZED");
    });

    it("for an expired token", async () => {
      const { token } = await readyUser();
      await t.portico.database.db
        .update(sessions)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(sessions.tokenHash, hashToken(token)));
      await expectError(await postJson(t, "/api/billing/portal", body, token), 401, "UNAUTHORIZED");
    });
  });

  describe("404", () => {
    it("when the user has no billing customer", async () => {
      const { token } = await signUp(t);
      const error = await expectError(
        await postJson(t, "/api/billing/portal", body, token),
        404,
        "NOT_FOUND",
      );
      expect(error.message).toBe("No billing customer record found");
    });

    it("when the customer was deleted in Stripe, and marks the stale link", async () => {
      const { token, customer } = await readyUser();
      await t.stripe.test.customers.del(customer.id);
      await expectError(await postJson(t, "/api/billing/portal", body, token), 404, "NOT_FOUND");
      const [row] = await t.portico.database.db
        .select()
        .from(billingCustomers)
        .where(eq(billingCustomers.stripeCustomerId, customer.id));
      expect(row?.deletedAt).toBeInstanceOf(Date);
      await expectError(await postJson(t, "/api/billing/portal", body, token), 404, "NOT_FOUND");
    });

    it("for another customer's subscription, exactly as for a missing one", async () => {
      const victim = await readyUser();
      const product = await t.stripe.test.products.create({ name: "Pro" });
      const price = await t.stripe.test.prices.create({
        product: product.id,
        unit_amount: 100,
        currency: "usd",
        recurring: { interval: "month" },
      });
      const subscription = await t.stripe.test.subscriptions.create({
        customer: victim.customer.id,
        items: [{ price: price.id }],
      });
      const attacker = await readyUser();
      const theirs = await expectError(
        await postJson(
          t,
          "/api/billing/portal",
          { ...body, flow: { type: "subscription_cancel", subscription: subscription.id } },
          attacker.token,
        ),
        404,
        "NOT_FOUND",
      );
      const missing = await expectError(
        await postJson(
          t,
          "/api/billing/portal",
          { ...body, flow: { type: "subscription_cancel", subscription: "sub_doesnotexist" } },
          attacker.token,
        ),
        404,
        "NOT_FOUND",
      );
      expect(theirs.message).toBe(missing.message);
    });

    it("for a subscription flow when the caller has no subscription", async () => {
      const { token } = await readyUser();
      await expectError(
        await postJson(
          t,
          "/api/billing/portal",
          { ...body, flow: { type: "subscription_cancel" } },
          token,
        ),
        404,
        "NOT_FOUND",
      );
    });
  });

  describe("422", () => {
    it.each([
      ["a missing returnUrl", {}, "returnUrl"],
      ["a foreign returnUrl", { returnUrl: "https://evil.com/" }, "returnUrl"],
      ["a lookalike returnUrl", { returnUrl: "http://localhost:3000.evil.com/" }, "returnUrl"],
      ["a returnUrl that is not a string", { returnUrl: 42 }, "returnUrl"],
      ["an unknown configuration", { ...body, configuration: "bpc_attacker" }, "configuration"],
      ["an unknown flow type", { ...body, flow: { type: "delete_everything" } }, "flow"],
      [
        "a flow with extra fields",
        { ...body, flow: { type: "payment_method_update", foo: 1 } },
        "flow",
      ],
      [
        "a malformed subscription id",
        { ...body, flow: { type: "subscription_cancel", subscription: "x" } },
        "flow",
      ],
      [
        "update_confirm without a price",
        { ...body, flow: { type: "subscription_update_confirm" } },
        "flow",
      ],
      ["an unsupported locale", { ...body, locale: "xx-YY" }, "locale"],
      ["an unknown field", { ...body, admin: true }, ""],
    ])("for %s", async (_, payload, field) => {
      const { token } = await readyUser();
      const error = await expectError(
        await postJson(t, "/api/billing/portal", payload, token),
        422,
        "VALIDATION_ERROR",
      );
      expect(JSON.stringify(error.details)).toContain(field);
    });

    it("for a body that is not JSON", async () => {
      const { token } = await readyUser();
      await expectError(
        await postJson(t, "/api/billing/portal", "{not json", token),
        422,
        "VALIDATION_ERROR",
      );
      const plain = await fetch(`${t.url}/api/billing/portal`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "text/plain" },
        body: JSON.stringify(body),
      });
      await expectError(plain, 422, "VALIDATION_ERROR");
    });

    it("for a body over 16 KB", async () => {
      const { token } = await readyUser();
      const huge = { returnUrl: `${APP_URL}/?q=${"a".repeat(17 * 1024)}` };
      await expectError(
        await postJson(t, "/api/billing/portal", huge, token),
        422,
        "VALIDATION_ERROR",
      );
    });
  });

  it("429 after the per-user limit, with Retry-After, and nothing recorded", async () => {
    const { token, user } = await readyUser();
    for (let i = 0; i < 3; i++)
      expect((await postJson(t, "/api/billing/portal", body, token)).status).toBe(200);
    const limited = await postJson(t, "/api/billing/portal", body, token);
    await expectError(limited, 429, "RATE_LIMITED");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    const rows = await portalAudits(t, user.id);
    expect(rows).toHaveLength(3);
    // A second instance on the same database sees the same count.
    const sibling = await startTestPortico({
      sibling: t,
      env: { PORTAL_CONFIGURATIONS: "default", RATE_LIMIT_PORTAL: "3/60s" },
    });
    try {
      await expectError(
        await postJson(sibling, "/api/billing/portal", body, token),
        429,
        "RATE_LIMITED",
      );
    } finally {
      await sibling.close();
    }
    // Another user is unaffected.
    const other = await readyUser();
    expect((await postJson(t, "/api/billing/portal", body, other.token)).status).toBe(200);
  });
});

describe("POST /api/billing/portal, Stripe-side failures", () => {
  it("503 PORTAL_NOT_CONFIGURED when the account has no portal settings", async () => {
    const t = await startTestPortico();
    try {
      const { token, user } = await signUp(t);
      await giveCustomer(t, user.id);
      const response = await postJson(t, "/api/billing/portal", { returnUrl: APP_URL }, token);
      const error = await expectError(response, 503, "PORTAL_NOT_CONFIGURED");
      expect(error.message).toMatch(/portico stripe apply|Dashboard/);
      expect(error.message).not.toMatch(/dashboard\.stripe\.com/);
    } finally {
      await t.close();
    }
  });

  it("503 PORTAL_NOT_CONFIGURED with the apply hint when Portico's default configuration is missing", async () => {
    const t = await startTestPortico({ env: { PORTAL_CONFIGURATIONS: "default" } });
    try {
      const { token, user } = await signUp(t);
      await giveCustomer(t, user.id);
      const error = await expectError(
        await postJson(t, "/api/billing/portal", { returnUrl: APP_URL }, token),
        503,
        "PORTAL_NOT_CONFIGURED",
      );
      expect(error.message).toContain("portico stripe apply --mode test");
    } finally {
      await t.close();
    }
  });

  it("503 STRIPE_UNAVAILABLE with Retry-After when Stripe cannot be reached", async () => {
    const t = await startTestPortico({
      env: { STRIPE_API_BASE: "http://127.0.0.1:9", STRIPE_TIMEOUT_MS: "2000" },
    });
    try {
      const { token, user } = await signUp(t);
      await t.portico.database.db
        .insert(billingCustomers)
        .values({ userId: user.id, livemode: false, stripeCustomerId: "cus_unreachable" });
      const response = await postJson(t, "/api/billing/portal", { returnUrl: APP_URL }, token);
      const error = await expectError(response, 503, "STRIPE_UNAVAILABLE");
      expect(response.headers.get("retry-after")).toBeTruthy();
      expect(JSON.stringify(error)).not.toMatch(/sk_(test|live)_/);
    } finally {
      await t.close();
    }
  });
});
