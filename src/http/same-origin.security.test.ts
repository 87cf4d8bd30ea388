import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_URL, signUp, startTestPortico, type TestPortico } from "../../test/portico.js";

/** Every route that changes state and accepts the session cookie as its credential. */
const COOKIE_POSTS: [path: string, body: unknown][] = [
  ["/api/auth/logout", {}],
  ["/api/billing/sync", {}],
  ["/api/billing/checkout", { price: "pro_monthly" }],
  ["/api/billing/portal", { returnUrl: `${APP_URL}/settings/billing` }],
  ["/api/v1/payments/stripe/customer-portal", { return_url: `${APP_URL}/settings/billing` }],
];

describe("cookie-authenticated posts, same-origin rule", () => {
  let t: TestPortico;
  beforeAll(async () => {
    t = await startTestPortico();
  });
  afterAll(() => t.close());

  function post(path: string, body: unknown, headers: Record<string, string>) {
    return fetch(`${t.url}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  }
  const me = (token: string) =>
    fetch(`${t.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });

  describe.each(COOKIE_POSTS)("POST %s", (path, body) => {
    it.each([
      ["no Origin or Referer", {}],
      ["a cross-site Origin", { origin: "https://evil.example" }],
      ["a lookalike Origin", { origin: "http://localhost:3000.evil.example" }],
      ["an opaque Origin", { origin: "null" }],
      ["a cross-site Referer", { referer: "https://evil.example/page" }],
    ])("refuses the session cookie with %s, and the session survives", async (_, headers) => {
      const { token } = await signUp(t);
      const response = await post(path, body, { cookie: `portico_session=${token}`, ...headers });
      expect(response.status).toBe(403);
      const text = await response.text();
      expect(text).toMatch(/FORBIDDEN|[Cc]ross-site/);
      expect((await me(token)).status).toBe(200);
    });
  });

  it("accepts the cookie from the app's own origin, by Origin or by Referer", async () => {
    const first = await signUp(t);
    const sync = await post(
      "/api/billing/sync",
      {},
      { cookie: `portico_session=${first.token}`, origin: APP_URL },
    );
    expect(sync.status).toBe(200);
    const logout = await post(
      "/api/auth/logout",
      {},
      { cookie: `portico_session=${first.token}`, referer: `${APP_URL}/settings/billing` },
    );
    expect(logout.status).toBe(200);
    expect((await me(first.token)).status).toBe(401);
  });

  it("leaves bearer-token calls alone, whatever their Origin", async () => {
    const { token } = await signUp(t);
    const headers = { authorization: `Bearer ${token}`, origin: "https://evil.example" };
    expect((await post("/api/billing/sync", {}, headers)).status).toBe(200);
    expect((await post("/api/auth/logout", {}, headers)).status).toBe(200);
    expect((await me(token)).status).toBe(401);
  });

  it("answers the v1 contract's refusal in its own shape", async () => {
    const { token } = await signUp(t);
    const response = await post("/api/v1/payments/stripe/customer-portal", COOKIE_POSTS[4]?.[1], {
      cookie: `portico_session=${token}`,
      origin: "https://evil.example",
    });
    expect(response.status).toBe(403);
    expect(Object.keys((await response.json()) as object)).toEqual(["detail"]);
  });
});
