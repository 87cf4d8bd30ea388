import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  APP_URL,
  giveCustomer,
  portalAudits,
  saveDefaultPortal,
  signUp,
  startTestPortico,
  type TestPortico,
} from "../../../test/portico.js";

describe("POST /api/billing/portal, security", () => {
  let t: TestPortico;
  beforeAll(async () => {
    t = await startTestPortico();
    await saveDefaultPortal(t);
  });
  afterAll(() => t.close());

  function formPost(
    token: string,
    headers: Record<string, string>,
    fields: Record<string, string> = {},
  ) {
    return fetch(`${t.url}/api/billing/portal`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: `portico_session=${token}`,
        ...headers,
      },
      body: new URLSearchParams(fields),
    });
  }

  it.each([
    ["no Origin or Referer", {}],
    ["a cross-site Origin", { origin: "https://evil.com" }],
    ["a lookalike Origin", { origin: "http://localhost:3000.evil.com" }],
    ["an opaque Origin", { origin: "null" }],
    ["a cross-site Referer", { referer: "https://evil.com/page" }],
  ])("rejects a form post with %s, and creates nothing", async (_, headers) => {
    const { token, user } = await signUp(t);
    await giveCustomer(t, user.id);
    const response = await formPost(token, headers);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("FORBIDDEN");
    const rows = await portalAudits(t, user.id);
    expect(rows).toHaveLength(0);
  });

  it("accepts a same-origin Referer when Origin is absent", async () => {
    const { token, user } = await signUp(t);
    await giveCustomer(t, user.id);
    const response = await formPost(token, { referer: `${APP_URL}/settings/billing` });
    expect(response.status).toBe(303);
  });

  it("applies the return-URL policy to form posts too", async () => {
    const { token, user } = await signUp(t);
    await giveCustomer(t, user.id);
    const response = await formPost(token, { origin: APP_URL }, { returnUrl: "https://evil.com/" });
    expect(response.status).toBe(422);
  });

  it("never lets a client pick an arbitrary configuration id", async () => {
    const { token, user } = await signUp(t);
    await giveCustomer(t, user.id);
    const configuration = await t.stripe.test.billingPortal.configurations.create({
      features: { invoice_history: { enabled: true } },
    });
    const response = await fetch(`${t.url}/api/billing/portal`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ returnUrl: APP_URL, configuration: configuration.id }),
    });
    expect(response.status).toBe(422);
  });

  it("returns no stack trace, secret or internal detail on errors", async () => {
    const { token } = await signUp(t);
    const response = await fetch(`${t.url}/api/billing/portal`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ returnUrl: APP_URL }),
    });
    const text = await response.text();
    expect(text).not.toMatch(/at .*\.ts:\d+|sk_test_|stack/);
  });

  it("sets security headers", async () => {
    const response = await fetch(`${t.url}/healthz`);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  });
});
