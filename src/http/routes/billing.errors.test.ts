import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyCatalog,
  EXAMPLE_BILLING_CONFIG,
  getJson,
  payOnHostedCheckout,
} from "../../../test/checkout.js";
import { APP_URL, giveCustomer, postJson, signUp } from "../../../test/portico.js";
import { type SyncedPortico, startSyncedPortico } from "../../../test/sync.js";

async function errorOf(response: Response) {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

describe("billing checkout and subscription, errors", () => {
  let t: SyncedPortico;
  beforeAll(async () => {
    t = await startSyncedPortico({
      env: {
        PORTICO_CONFIG: EXAMPLE_BILLING_CONFIG,
        RATE_LIMIT_SYNC: "2/60s",
        RATE_LIMIT_CHECKOUT: "3/60s",
      },
    });
    await applyCatalog(t);
  });
  afterAll(() => t.close());

  it("requires a signed-in user", async () => {
    expect((await fetch(`${t.url}/api/billing/subscription`)).status).toBe(401);
    expect((await postJson(t, "/api/billing/sync", {})).status).toBe(401);
    expect((await postJson(t, "/api/billing/checkout", { price: "pro_monthly" })).status).toBe(401);
  });

  it("limits checkout attempts per user with 429 and Retry-After", async () => {
    const { token } = await signUp(t);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await postJson(t, "/api/billing/checkout", { price: "pro_monthly" }, token);
      statuses.push(response.status);
      if (response.status === 429) {
        expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
        expect((await errorOf(response)).code).toBe("RATE_LIMITED");
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    // Another user has a budget of their own.
    const other = await signUp(t);
    const response = await postJson(
      t,
      "/api/billing/checkout",
      { price: "pro_monthly" },
      other.token,
    );
    expect(response.status).toBe(200);
  });

  it("refuses a price outside the catalog and a foreign success URL", async () => {
    const { token } = await signUp(t);
    for (const body of [
      { price: "enterprise_monthly" },
      { price: "free" },
      { price: "pro_monthly", successUrl: "https://evil.example/thanks" },
      { price: "pro_monthly", extra: true },
    ]) {
      const response = await postJson(t, "/api/billing/checkout", body, token);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect((await errorOf(response)).code).toBe("VALIDATION_ERROR");
    }
  });

  it("answers 409 ALREADY_SUBSCRIBED to a user with an active or trialing subscription", async () => {
    const { token } = await signUp(t);
    const started = await postJson(t, "/api/billing/checkout", { price: "pro_monthly" }, token);
    const session = ((await started.json()) as { data: { url: string } }).data;
    await payOnHostedCheckout(session.url);
    const again = await postJson(
      t,
      "/api/billing/checkout",
      { price: "starter_monthly", successUrl: `${APP_URL}/welcome` },
      token,
    );
    expect(again.status).toBe(409);
    expect((await errorOf(again)).code).toBe("ALREADY_SUBSCRIBED");
  });

  it("rate limits pulls per user", async () => {
    const { token, user } = await signUp(t);
    await giveCustomer(t, user.id);
    expect((await postJson(t, "/api/billing/sync", {}, token)).status).toBe(200);
    expect((await postJson(t, "/api/billing/sync", {}, token)).status).toBe(200);
    const limited = await postJson(t, "/api/billing/sync", {}, token);
    expect(limited.status).toBe(429);
    expect((await errorOf(limited)).code).toBe("RATE_LIMITED");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // Reading is never limited.
    expect((await getJson(t, "/api/billing/subscription", token)).status).toBe(200);
  });

  it("answers 503 when Stripe fails during a pull", async () => {
    const { token, user } = await signUp(t);
    await giveCustomer(t, user.id);
    await t.control("faults", { kind: "api_error", method: "GET", path: "/v1/customers/*" });
    try {
      const response = await postJson(t, "/api/billing/sync", {}, token);
      expect(response.status).toBe(503);
      expect((await errorOf(response)).code).toBe("STRIPE_UNAVAILABLE");
    } finally {
      await fetch(`${t.emulatorUrl}/_emulator/faults`, {
        method: "DELETE",
        headers: { authorization: `Bearer ${t.keys.test}` },
      });
    }
  });
});
