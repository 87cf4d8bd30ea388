import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  APP_URL,
  giveCustomer,
  signUp,
  startTestPortico,
  type TestPortico,
} from "../../../test/portico.js";
import { callWithKey, createKey, runKeysCli } from "../../../test/service-keys.js";

const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string } }).error;

describe("service keys: refusals", () => {
  let t: TestPortico;
  let readKey: string;
  let manageKey: string;
  let userId: string;
  beforeAll(async () => {
    t = await startTestPortico();
    readKey = await createKey(t, "reader", "read");
    manageKey = await createKey(t, "backend", "manage");
    userId = (await signUp(t)).user.id;
    await giveCustomer(t, userId);
  });
  afterAll(() => t.close());

  it("a read key cannot create sessions: 403 with the reason", async () => {
    const subject = `user:${userId}`;
    const portal = await callWithKey(t, readKey, subject, "/api/billing/portal", {
      returnUrl: APP_URL,
    });
    expect(portal.status).toBe(403);
    expect((await errorOf(portal)).message).toContain("manage scope");
    const checkout = await callWithKey(t, readKey, subject, "/api/billing/checkout", {
      price: "pro_monthly",
    });
    expect(checkout.status).toBe(403);
    const link = await callWithKey(t, readKey, subject, "/api/auth/exchange", {});
    expect(link.status).toBe(403);
  });

  it("a revoked or unknown key gets the same 401", async () => {
    const key = await createKey(t, "short-lived", "manage");
    const subject = `user:${userId}`;
    expect((await callWithKey(t, key, subject, "/api/billing/subscription")).status).toBe(200);
    await runKeysCli(t, "revoke", "short-lived");
    const revoked = await callWithKey(t, key, subject, "/api/billing/subscription");
    expect(revoked.status).toBe(401);
    const unknown = await callWithKey(t, `psk_${"A".repeat(43)}`, subject, "/api/billing/portal", {
      returnUrl: APP_URL,
    });
    expect(unknown.status).toBe(401);
    const [a, b] = [await errorOf(revoked), await errorOf(unknown)];
    expect({ code: a.code, message: a.message }).toEqual({ code: b.code, message: b.message });
  });

  it("names the subject in Portico-Subject: missing or malformed is 422, nobody is 404", async () => {
    const missing = await callWithKey(t, readKey, undefined, "/api/billing/subscription");
    expect(missing.status).toBe(422);
    expect((await errorOf(missing)).message).toContain("Portico-Subject");
    const malformed = await callWithKey(t, readKey, "someone", "/api/billing/subscription");
    expect(malformed.status).toBe(422);
    const nobody = await callWithKey(
      t,
      readKey,
      "user:00000000-0000-4000-8000-000000000000",
      "/api/billing/subscription",
    );
    expect(nobody.status).toBe(404);
    const otherOrg = await callWithKey(
      t,
      readKey,
      `user:${userId}`,
      "/api/billing/subscription?organizationId=00000000-0000-4000-8000-000000000000",
    );
    expect(otherOrg.status).toBe(422);
  });

  it("a key is not a user's credential on the rest of the API", async () => {
    const subject = `user:${userId}`;
    expect((await callWithKey(t, manageKey, subject, "/api/auth/me")).status).toBe(401);
    const org = await callWithKey(t, manageKey, subject, "/api/organizations", { name: "Acme" });
    expect(org.status).toBe(401);
  });

  it("a sign-in link works once, and not after it expires", async () => {
    const issue = async () => {
      const response = await callWithKey(t, manageKey, `user:${userId}`, "/api/auth/exchange", {});
      const { data } = (await response.json()) as { data: { url: string } };
      const url = new URL(data.url);
      return `${t.url}${url.pathname}${url.search}`;
    };
    const once = await issue();
    expect((await fetch(once, { redirect: "manual" })).status).toBe(303);
    const again = await fetch(once, { redirect: "manual" });
    expect(again.status).toBe(400);
    expect(again.headers.get("set-cookie")).toBeNull();
    expect(await again.text()).toContain("expired or was already used");

    const stale = await issue();
    await t.portico.database.db.execute(
      "update portico.sign_in_links set expires_at = now() - interval '1 second' where used_at is null",
    );
    const expired = await fetch(stale, { redirect: "manual" });
    expect(expired.status).toBe(400);
    expect(expired.headers.get("set-cookie")).toBeNull();
  });

  it("a sign-in link is for a user, to a path on this server", async () => {
    const subject = `user:${userId}`;
    for (const redirect of ["https://evil.example/", "//evil.example/", "/\\evil.example"]) {
      const response = await callWithKey(t, manageKey, subject, "/api/auth/exchange", { redirect });
      expect(response.status).toBe(422);
    }
    const { token } = await signUp(t);
    const org = await fetch(`${t.url}/api/organizations`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Acme" }),
    });
    const { data } = (await org.json()) as { data: { id: string } };
    const forOrg = await callWithKey(
      t,
      manageKey,
      `organization:${data.id}`,
      "/api/auth/exchange",
      {},
    );
    expect(forOrg.status).toBe(422);
    // Reads for the organization work: the key is the operator's trust, not a membership.
    const view = await callWithKey(
      t,
      manageKey,
      `organization:${data.id}`,
      "/api/billing/subscription",
    );
    expect(view.status).toBe(200);
    // A session token is not a key: it cannot mint links.
    const withSession = await fetch(`${t.url}/api/auth/exchange`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "portico-subject": subject },
    });
    expect(withSession.status).toBe(401);
  });
});
