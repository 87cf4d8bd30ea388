import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPortico, type TestPortico } from "../../test/portico.js";
import {
  callAs,
  createTestProject,
  emulatorRequestCount,
  projectToken,
  resetEmulatorRequestCount,
  type TestProject,
  V1_PORTAL,
} from "../../test/projects.js";
import { signedEvent } from "../../test/signed-event.js";

/**
 * Three projects on three emulator accounts behind one server. Every credential of one
 * project, against every route and every object of another, gets 401 or 404 and no data,
 * and the other project's Stripe key is never used (counted at the emulator).
 */
describe("projects are isolated from each other", () => {
  let t: TestPortico;
  let a: TestProject;
  let b: TestProject;
  let c: TestProject;
  const all = () => [a, b, c];
  const call = (path: string, token: string, init: { method?: string; body?: unknown } = {}) =>
    callAs(t, path, token, init);

  const resetEmulatorRequests = async () => {
    for (const project of all()) {
      for (const key of Object.values(project.keys)) {
        await resetEmulatorRequestCount(t.emulatorUrl, key);
      }
    }
  };
  const requestsPerProject = async () => {
    const counts: Record<string, number> = {};
    for (const project of all()) {
      let total = 0;
      for (const key of Object.values(project.keys)) {
        total += await emulatorRequestCount(t.emulatorUrl, key);
      }
      counts[project.id] = total;
    }
    return counts;
  };

  beforeAll(async () => {
    t = await startTestPortico({ projects: true });
    a = await createTestProject(t, "acme", { port: 4101 });
    b = await createTestProject(t, "globex", { port: 4102 });
    c = await createTestProject(t, "initech", { port: 4103, live: false });
  });

  afterAll(async () => {
    await t?.close();
  });

  it("serves each project's user from that project's own Stripe account", async () => {
    for (const project of all()) {
      await resetEmulatorRequests();
      const token = await projectToken(project);
      const portal = await call(`${V1_PORTAL}?test_mode=true`, token, {
        body: { return_url: `${project.origin}/billing` },
      });
      expect(portal.status).toBe(200);
      expect(((await portal.json()) as { portal_url: string }).portal_url).toMatch(/^http/);
      const counts = await requestsPerProject();
      expect(counts[project.id]).toBeGreaterThan(0);
      for (const other of all().filter((candidate) => candidate !== project)) {
        expect(counts[other.id]).toBe(0);
      }
      // The portal session was made for this project's customer, in its account.
      const sessions = await fetch(`${t.emulatorUrl}/_emulator/state`, {
        headers: { authorization: `Bearer ${project.keys.test}` },
      });
      const state = (await sessions.json()) as {
        objects: Record<string, { customer?: string }[]>;
      };
      const customers = Object.values(state.objects)
        .flat()
        .filter((object) => object.customer)
        .map((object) => object.customer);
      expect(new Set(customers)).toEqual(new Set([project.customerId]));
    }
  });

  it("refuses a token signed by one project that names another, on every route", async () => {
    await resetEmulatorRequests();
    const forged = await projectToken(a, { project_id: b.id });
    // Every route that needs a user (the plans of a pricing page are public).
    const routes: [string, string, unknown?][] = [
      ["GET", "/api/auth/me"],
      ["GET", "/api/billing/subscription"],
      ["GET", "/api/billing/invoices"],
      ["POST", "/api/billing/portal", { returnUrl: `${b.origin}/billing` }],
      ["POST", "/api/billing/checkout", { plan: "pro" }],
      ["POST", "/api/billing/sync", {}],
      ["POST", "/api/billing/seats", { organizationId: b.organizationId, seats: 2 }],
      ["GET", "/api/organizations"],
      ["POST", "/api/organizations", { name: "intruders" }],
      ["GET", `/api/organizations/${b.organizationId}/members`],
    ];
    for (const [method, path, body] of routes) {
      const response = await call(path, forged, { method, body });
      expect({ path, status: response.status }).toEqual({ path, status: 401 });
    }
    const v1 = await call(`${V1_PORTAL}?test_mode=true`, forged, {
      body: { return_url: `${b.origin}/billing` },
    });
    expect(v1.status).toBe(401);
    expect(await v1.json()).toEqual({ detail: "Not authenticated" });
    expect(await requestsPerProject()).toEqual({ acme: 0, globex: 0, initech: 0 });
  });

  it("gives a project's user nothing of another project's objects", async () => {
    await resetEmulatorRequests();
    const token = await projectToken(a);
    const probes: [string, string, unknown?][] = [
      ["GET", `/api/organizations/${b.organizationId}/members`],
      ["GET", `/api/billing/subscription?organizationId=${b.organizationId}`],
      ["GET", `/api/billing/invoices?organizationId=${b.organizationId}`],
      [
        "POST",
        "/api/billing/portal",
        { organizationId: b.organizationId, returnUrl: `${a.origin}/billing` },
      ],
      ["POST", "/api/billing/seats", { organizationId: b.organizationId, seats: 2 }],
    ];
    for (const [method, path, body] of probes) {
      const response = await call(path, token, { method, body });
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(JSON.stringify(await response.json())).not.toContain(b.customerId);
    }
    // Another project's origin is not a return URL of this one.
    const foreignReturn = await call(`${V1_PORTAL}?test_mode=true`, token, {
      body: { return_url: `${b.origin}/billing` },
    });
    expect(foreignReturn.status).toBe(422);
    const counts = await requestsPerProject();
    expect({ globex: counts.globex, initech: counts.initech }).toEqual({ globex: 0, initech: 0 });
  });

  it("answers the contract's 404 for an unknown project, and 401 elsewhere", async () => {
    const stranger = await projectToken(a, { project_id: "no-such-project" });
    const v1 = await call(`${V1_PORTAL}?test_mode=true`, stranger, {
      body: { return_url: `${a.origin}/billing` },
    });
    expect(v1.status).toBe(404);
    expect(await v1.json()).toEqual({ detail: "Project not found or Stripe not configured" });
    const me = await call("/api/auth/me", stranger);
    expect(me.status).toBe(401);
    const malformed = await call("/api/auth/me", await projectToken(a, { project_id: "../acme" }));
    expect(malformed.status).toBe(401);
  });

  it("answers 404 for the mode a project has no key for, and works in the other", async () => {
    const token = await projectToken(c);
    const live = await call(`${V1_PORTAL}?test_mode=false`, token, {
      body: { return_url: `${c.origin}/billing` },
    });
    expect(live.status).toBe(404);
    expect(await live.json()).toEqual({ detail: "Project not found or Stripe not configured" });
    const test = await call(`${V1_PORTAL}?test_mode=true`, token, {
      body: { return_url: `${c.origin}/billing` },
    });
    expect(test.status).toBe(200);
  });

  it("takes a project's events only at its own URL, signed with its own secret of that mode", async () => {
    const url = (project: string, mode: string) =>
      `${t.url}/api/v1/payments/stripe/webhooks/${project}/${mode}`;
    const post = (target: string, event: { body: string; signature: string }) =>
      fetch(target, {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": event.signature },
        body: event.body,
      });
    const id = `evt_shared_${Date.now()}`;
    const object = { id: "cus_shared", object: "customer", email: null, metadata: {} };
    const fromA = signedEvent(a.webhookSecrets.test, { id, type: "customer.updated", object });

    expect((await post(url(b.id, "test"), fromA)).status).toBe(400);
    expect((await post(url(a.id, "live"), fromA)).status).toBe(400);
    expect((await post(`${t.url}/api/webhooks/stripe`, fromA)).status).not.toBe(200);
    expect((await post(url("no-such-project", "test"), fromA)).status).toBe(404);
    const accepted = await post(url(a.id, "test"), fromA);
    expect(accepted.status).toBe(200);
    const again = await post(url(a.id, "test"), fromA);
    expect(((await again.json()) as { data: { status: string } }).data.status).toBe("duplicate");

    // The same event id in another project is another event.
    const fromB = signedEvent(b.webhookSecrets.test, { id, type: "customer.updated", object });
    const inB = await post(url(b.id, "test"), fromB);
    expect(inB.status).toBe(200);
    expect(((await inB.json()) as { data: { status: string } }).data.status).not.toBe("duplicate");
  });

  it("keeps a session made under one project to that project", async () => {
    const signUp = (headers: Record<string, string>) =>
      fetch(`${t.url}/api/auth/signup`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ email: "same@example.com", password: "correct horse battery" }),
      });
    const created = await signUp({ "portico-project": a.id });
    expect(created.status).toBe(201);
    const { token } = ((await created.json()) as { data: { token: string } }).data;
    expect(token.startsWith(`pt_${a.id}.`)).toBe(true);
    const me = await call("/api/auth/me", token);
    expect(me.status).toBe(200);

    // The same email is free on the server and in another project: separate user tables.
    expect((await signUp({})).status).toBe(201);
    expect((await signUp({ "portico-project": b.id })).status).toBe(201);

    const renamed = token.replace(`pt_${a.id}.`, `pt_${b.id}.`);
    expect((await call("/api/auth/me", renamed)).status).toBe(401);
    const unprefixed = token.replace(`pt_${a.id}.`, "pt_");
    expect((await call("/api/auth/me", unprefixed)).status).toBe(401);
    const contradicted = await fetch(`${t.url}/api/auth/me`, {
      headers: { authorization: `Bearer ${token}`, "portico-project": b.id },
    });
    expect(contradicted.status).toBe(401);
  });
});
