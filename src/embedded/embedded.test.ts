import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { payOnHostedCheckout } from "../../test/checkout.js";
import { createTestDatabase } from "../../test/database.js";
import { type EmbeddedHost, startEmbeddedHost } from "../../test/embedded.js";
import { APP_URL } from "../../test/portico.js";
import { createPortico } from "../index.js";

type Envelope<T> = { success: boolean; data: T; error: { code: string; message: string } };

describe("Portico embedded in a host app", () => {
  let host: EmbeddedHost;
  beforeAll(async () => {
    host = await startEmbeddedHost();
  });
  afterAll(() => host.close());

  const newUser = () => ({ id: `host-user-${randomUUID()}`, email: `${randomUUID()}@example.com` });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${host.url}/api/billing${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${host.url}/api/billing${path}`, { headers });

  /** Checkout through the mounted route, paid on the emulator's page, webhooks delivered. */
  async function subscribe(credentials: Record<string, string>) {
    const response = await post("/checkout", { plan: "pro" }, credentials);
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as Envelope<{ url: string }>;
    await payOnHostedCheckout(data.url);
    await host.flushWebhooks();
  }

  it("answers the envelope's 401 when the host's identify finds nobody", async () => {
    for (const path of ["/portal", "/checkout"]) {
      const response = await post(path, { returnUrl: APP_URL });
      expect(response.status).toBe(401);
      expect(((await response.json()) as Envelope<never>).error.code).toBe("UNAUTHORIZED");
    }
    expect((await get("/subscription")).status).toBe(401);
  });

  it("runs the seed's whole path: checkout, webhooks to the mounted route, portal", async () => {
    const { authorization } = host.signIn(newUser());
    await subscribe({ authorization });

    const subscription = await get("/subscription", { authorization });
    const view = (await subscription.json()) as Envelope<{ plan: string; status: string }>;
    expect(view.data).toMatchObject({ plan: "pro", status: "trialing" });

    const portal = await post("/portal", { returnUrl: `${APP_URL}/settings` }, { authorization });
    expect(portal.status).toBe(200);
    const { success, data } = (await portal.json()) as Envelope<{ url: string }>;
    expect(success).toBe(true);
    expect((await fetch(data.url)).status).toBe(200);
  });

  it("never takes a user id from the request", async () => {
    const { authorization } = host.signIn(newUser());
    const response = await post(
      "/portal",
      { returnUrl: APP_URL, userId: "someone-else" },
      { authorization },
    );
    expect(response.status).toBe(422);
  });

  it("keeps the return-URL policy and the no-JS form's CSRF rule with the host's cookie", async () => {
    const { cookie } = host.signIn(newUser());
    await subscribe({ cookie, origin: APP_URL });
    const form = (headers: Record<string, string>, returnUrl = `${APP_URL}/settings`) =>
      fetch(`${host.url}/api/billing/portal`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie, ...headers },
        body: new URLSearchParams({ returnUrl }),
      });
    expect((await form({ origin: "https://evil.com" })).status).toBe(403);
    // A JSON post riding the cookie from another site is refused the same way.
    expect((await post("/portal", { returnUrl: APP_URL }, { cookie })).status).toBe(403);
    expect((await form({ origin: APP_URL }, "https://evil.com/")).status).toBe(422);
    const accepted = await form({ origin: APP_URL });
    expect(accepted.status).toBe(303);
    expect(accepted.headers.get("location")).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  });

  it("serves the v1 contract under the base path", async () => {
    const { authorization } = host.signIn(newUser());
    await subscribe({ authorization });
    const response = await post(
      "/v1/payments/stripe/customer-portal?test_mode=true",
      { return_url: `${APP_URL}/account` },
      { authorization },
    );
    expect(response.status).toBe(200);
    expect(Object.keys(await response.json())).toEqual(["portal_url"]);
  });

  it("gives server code the same operations, for the host's user id", async () => {
    const user = newUser();
    const { authorization } = host.signIn(user);
    await subscribe({ authorization });
    const { url } = await host.portico.api.createPortalSession({
      userId: user.id,
      returnUrl: `${APP_URL}/settings`,
      flow: { type: "payment_method_update" },
    });
    expect(url).toContain("/p/session/");
    expect(await host.portico.api.getSubscription({ userId: user.id })).toMatchObject({
      plan: "pro",
    });
    await expect(
      host.portico.api.createPortalSession({ userId: user.id, returnUrl: "https://evil.com/" }),
    ).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    // Another host user has no customer: Portico's 404, not this user's portal.
    await expect(
      host.portico.api.createPortalSession({ userId: newUser().id, returnUrl: APP_URL }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("an embedded Portico whose database is not migrated", () => {
  it("answers a retryable 503 that says to migrate, and leaves the host's pool open", async () => {
    const empty = await createTestDatabase();
    const pool = new pg.Pool({ connectionString: empty.url, max: 2 });
    // pool.end() resolves before its clients' sockets close, and dropping the database then
    // terminates them: as any app's pool should, each client ignores its connection's end.
    pool.on("connect", (client) => client.on("error", () => {}));
    const portico = createPortico({
      identify: () => ({ id: "user" }),
      database: pool,
      stripe: { testSecretKey: "sk_test_unused", apiBase: "http://127.0.0.1:9" },
      billing: { plans: [], portal_configurations: [] },
      env: { NODE_ENV: "test", LOG_LEVEL: "silent" },
    });
    const response = await portico.handler(new Request("http://app.test/api/billing/plans"));
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    const body = (await response.json()) as Envelope<never>;
    expect(body.error.message).toContain("npx portico migrate");
    await portico.close();
    // Borrowed: still the host's to use and to end.
    expect((await pool.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
    await pool.end();
    await empty.drop();
  });

  it("refuses a bad Stripe key when created, not at the first request", () => {
    expect(() =>
      createPortico({ identify: () => null, stripe: { secretKey: "pk_test_oops" } }),
    ).toThrow(/STRIPE_SECRET_KEY/);
  });
});
