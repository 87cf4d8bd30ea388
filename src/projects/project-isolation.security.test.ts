import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_ENGINES } from "../../test/database.js";
import { newStripeKeys, saveDefaultPortalConfiguration } from "../../test/emulator-process.js";
import { emulatorSdk, startTestPortico, type TestPortico } from "../../test/portico.js";
import { signedEvent } from "../../test/signed-event.js";
import { linkBillingCustomer } from "../db/billing-customers.js";
import { userSubjectId } from "../db/subjects.js";

/**
 * Three projects on three emulator accounts behind one server. Every credential of one
 * project, against every route and every object of another, gets 401 or 404 and no data,
 * and the other project's Stripe key is never used (counted at the emulator).
 */

interface TestProject {
  id: string;
  keys: { test: string; live?: string };
  jwtSecret: string;
  webhookSecrets: { test: string; live: string };
  origin: string;
  customerId?: string;
  organizationId?: string;
}

const V1_PORTAL = "/api/v1/payments/stripe/customer-portal";
/** The same user id in every project's app: they must still be three users. */
const SUBJECT = "user-42";

const newProject = (id: string, port: number, live = true): TestProject => {
  const keys = newStripeKeys();
  return {
    id,
    keys: live ? keys : { test: keys.test },
    jwtSecret: `jwt-secret-of-${id}-${keys.test.slice(-24)}`,
    webhookSecrets: { test: `whsec_${id}test${port}`, live: `whsec_${id}live${port}` },
    origin: `http://localhost:${port}`,
  };
};

function tokenFor(project: TestProject, claims: { project_id?: string; secret?: string } = {}) {
  return new SignJWT({ project_id: claims.project_id ?? project.id })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(SUBJECT)
    .setIssuer(`https://${project.id}.example`)
    .setAudience("portico")
    .setExpirationTime("5m")
    .sign(new TextEncoder().encode(claims.secret ?? project.jwtSecret));
}

describe.each(TEST_ENGINES)("projects are isolated from each other (%s)", (engine) => {
  let t: TestPortico;
  const a = newProject("acme", 4101);
  const b = newProject("globex", 4102);
  const c = newProject("initech", 4103, false);
  const all = [a, b, c];

  const call = (path: string, token: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${t.url}${path}`, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });

  const emulatorRequests = async (key: string) => {
    const response = await fetch(`${t.emulatorUrl}/_emulator/requests`, {
      headers: { authorization: `Bearer ${key}` },
    });
    return ((await response.json()) as { total: number }).total;
  };
  const resetEmulatorRequests = async () => {
    for (const project of all) {
      for (const key of Object.values(project.keys)) {
        await fetch(`${t.emulatorUrl}/_emulator/requests`, {
          method: "DELETE",
          headers: { authorization: `Bearer ${key}` },
        });
      }
    }
  };
  const requestsPerProject = async () =>
    Object.fromEntries(
      await Promise.all(
        all.map(async (project) => {
          let total = 0;
          for (const key of Object.values(project.keys)) total += await emulatorRequests(key);
          return [project.id, total] as const;
        }),
      ),
    );

  beforeAll(async () => {
    t = await startTestPortico({ engine, projects: true });
    const service = t.portico.projects?.service;
    if (!service) throw new Error("the server hosts no projects");
    for (const project of all) {
      await service.create({ id: project.id, name: project.id.toUpperCase() });
      await service.setKeys(project.id, {
        testSecretKey: project.keys.test,
        ...(project.keys.live ? { liveSecretKey: project.keys.live } : {}),
        testWebhookSecrets: [project.webhookSecrets.test],
        liveWebhookSecrets: [project.webhookSecrets.live],
      });
      await service.setConfig(project.id, {
        returnOrigins: [project.origin],
        jwt: {
          secret: project.jwtSecret,
          issuer: `https://${project.id}.example`,
          audience: "portico",
        },
      });
      for (const key of Object.values(project.keys)) {
        await saveDefaultPortalConfiguration(t.emulatorUrl, key);
      }
      // The user exists once their token is first seen; then their customer is linked.
      const me = await call("/api/auth/me", await tokenFor(project));
      expect(me.status).toBe(200);
      const { user } = ((await me.json()) as { data: { user: { id: string } } }).data;
      const customer = await emulatorSdk(project.keys.test, t.emulatorUrl).customers.create({
        metadata: { portico_user_id: user.id },
      });
      const runtime = await t.portico.projects?.runtimes.get(project.id);
      await linkBillingCustomer(
        runtime?.core.database.db as never,
        userSubjectId(user.id),
        false,
        customer.id,
      );
      project.customerId = customer.id;
      const organization = await call("/api/organizations", await tokenFor(project), {
        body: { name: `${project.id} team` },
      });
      expect(organization.status).toBe(201);
      project.organizationId = ((await organization.json()) as { data: { id: string } }).data.id;
    }
  });

  afterAll(async () => {
    await t?.close();
  });

  it("serves each project's user from that project's own Stripe account", async () => {
    for (const project of all) {
      await resetEmulatorRequests();
      const token = await tokenFor(project);
      const portal = await call(`${V1_PORTAL}?test_mode=true`, token, {
        body: { return_url: `${project.origin}/billing` },
      });
      expect(portal.status).toBe(200);
      expect(((await portal.json()) as { portal_url: string }).portal_url).toMatch(/^http/);
      const counts = await requestsPerProject();
      expect(counts[project.id]).toBeGreaterThan(0);
      for (const other of all.filter((candidate) => candidate !== project)) {
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
    const forged = await tokenFor(a, { project_id: b.id });
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
    const token = await tokenFor(a);
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
      expect(JSON.stringify(await response.json())).not.toContain(b.customerId as string);
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
    const stranger = await tokenFor(a, { project_id: "no-such-project" });
    const v1 = await call(`${V1_PORTAL}?test_mode=true`, stranger, {
      body: { return_url: `${a.origin}/billing` },
    });
    expect(v1.status).toBe(404);
    expect(await v1.json()).toEqual({ detail: "Project not found or Stripe not configured" });
    const me = await call("/api/auth/me", stranger);
    expect(me.status).toBe(401);
    const malformed = await call("/api/auth/me", await tokenFor(a, { project_id: "../acme" }));
    expect(malformed.status).toBe(401);
  });

  it("answers 404 for the mode a project has no key for, and works in the other", async () => {
    const token = await tokenFor(c);
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
});
