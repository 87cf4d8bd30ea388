import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  APP_URL,
  giveCustomer,
  saveDefaultPortal,
  signUp,
  startTestPortico,
  type TestPortico,
} from "../../../test/portico.js";
import { callWithKey, createKey } from "../../../test/service-keys.js";
import { listAudit } from "../../db/audit-log.js";

describe("service keys on the billing API, happy paths", () => {
  let t: TestPortico;
  let readKey: string;
  let manageKey: string;
  beforeAll(async () => {
    t = await startTestPortico();
    await saveDefaultPortal(t);
    readKey = await createKey(t, "reader", "read");
    manageKey = await createKey(t, "backend", "manage");
  });
  afterAll(() => t.close());

  it("a read key reads a user's subscription view, invoices and plans, and is marked used", async () => {
    const { user } = await signUp(t);
    const view = await callWithKey(t, readKey, `user:${user.id}`, "/api/billing/subscription");
    expect(view.status).toBe(200);
    expect(((await view.json()) as { data: { plan: unknown } }).data).toHaveProperty("plan");
    const invoices = await callWithKey(t, readKey, `email:${user.email}`, "/api/billing/invoices");
    expect(invoices.status).toBe(200);
    expect((await callWithKey(t, readKey, `user:${user.id}`, "/api/billing/plans")).status).toBe(
      200,
    );
    await expect
      .poll(async () => {
        const result = await t.portico.database.db.execute(
          "select last_used_at from portico.service_keys where name = 'reader'",
        );
        return (result as unknown as { rows: { last_used_at: string | null }[] }).rows[0]
          ?.last_used_at;
      })
      .toMatch(/^\d{4}-/);
  });

  it("a manage key opens a user's portal, audited with the key's name", async () => {
    const { user } = await signUp(t);
    await giveCustomer(t, user.id);
    const response = await callWithKey(t, manageKey, `user:${user.id}`, "/api/billing/portal", {
      returnUrl: APP_URL,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { url: string } };
    expect(body.data.url).toMatch(/^https?:\/\//);
    const audit = await listAudit(t.portico.database.db, { subject: `user:${user.id}` });
    expect(audit).toEqual([
      expect.objectContaining({
        action: "portal_session.created",
        source: "service_key",
        actor: "key:backend",
      }),
    ]);
  });

  it("a sign-in link opens Portico signed in, once", async () => {
    const { user } = await signUp(t);
    const issued = await callWithKey(t, manageKey, `user:${user.id}`, "/api/auth/exchange", {
      redirect: "/settings/billing?from=app",
    });
    expect(issued.status).toBe(200);
    const { data } = (await issued.json()) as { data: { url: string; expiresAt: string } };
    const url = new URL(data.url);
    expect(url.pathname).toBe("/api/auth/exchange");
    expect(new Date(data.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(60_000);

    const opened = await fetch(`${t.url}${url.pathname}${url.search}`, { redirect: "manual" });
    expect(opened.status).toBe(303);
    expect(opened.headers.get("location")).toBe("/settings/billing?from=app");
    const cookie = opened.headers.get("set-cookie")?.split(";")[0] ?? "";
    expect(cookie).toMatch(/^portico_session=pt_/);
    const me = await fetch(`${t.url}/api/auth/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { data: { user: { id: string } } }).data.user.id).toBe(user.id);

    const actions = (await listAudit(t.portico.database.db, { subject: `user:${user.id}` })).map(
      (row) => row.action,
    );
    expect(actions.sort()).toEqual(["sign_in_link.issued", "sign_in_link.used"]);
  });
});
