import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  addEmulatorFault,
  newStripeKeys,
  saveDefaultPortalConfiguration,
} from "../../../test/emulator-process.js";
import { sample } from "../../../test/metrics.js";
import {
  APP_URL,
  emulatorSdk,
  giveCustomer,
  postJson,
  saveDefaultPortal,
  signUp,
  startTestPortico,
  type TestPortico,
} from "../../../test/portico.js";

const scrape = async (t: TestPortico, headers: Record<string, string> = {}) =>
  (await fetch(`${t.url}/metrics`, { headers })).text();

describe("GET /healthz and GET /metrics", () => {
  let t: TestPortico;
  beforeAll(async () => {
    t = await startTestPortico();
    await saveDefaultPortal(t);
  });
  afterAll(() => t.close());

  it("answers liveness without touching anything", async () => {
    const response = await fetch(`${t.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("counts and times requests by route pattern, method and status", async () => {
    const { token } = await signUp(t);
    await fetch(`${t.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    await fetch(`${t.url}/api/auth/me`);
    await fetch(`${t.url}/no/such/path/${Math.random()}`);

    const response = await fetch(`${t.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const me = { route: "/api/auth/me", method: "GET" };
    expect(sample(text, "portico_http_requests_total", { ...me, status: "200" })).toBe(1);
    expect(sample(text, "portico_http_requests_total", { ...me, status: "401" })).toBe(1);
    expect(
      sample(text, "portico_http_requests_total", {
        route: "/api/auth/signup",
        method: "POST",
        status: "201",
      }),
    ).toBe(1);
    // Unknown paths share one label value instead of one series per URL.
    expect(sample(text, "portico_http_requests_total", { route: "/*", status: "404" })).toBe(1);
    expect(text).not.toContain("/no/such/path");
    expect(
      sample(text, "portico_http_request_duration_seconds_count", { ...me, status: "200" }),
    ).toBe(1);
    expect(text).toContain('portico_http_request_duration_seconds_bucket{le="0.005"');
    // Default process metrics.
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it("counts Stripe calls by operation and outcome, and portal sessions by flow and mode", async () => {
    const { token, user } = await signUp(t);
    await giveCustomer(t, user.id);
    const body = { returnUrl: `${APP_URL}/settings/billing` };
    expect((await postJson(t, "/api/billing/portal", body, token)).status).toBe(200);
    const flow = { ...body, flow: { type: "payment_method_update" } };
    expect((await postJson(t, "/api/billing/portal", flow, token)).status).toBe(200);
    await addEmulatorFault(t.emulatorUrl, t.keys.test, {
      kind: "rate_limit",
      method: "POST",
      path: "/v1/billing_portal/sessions",
      times: 1,
    });
    expect((await postJson(t, "/api/billing/portal", body, token)).status).toBe(503);

    const text = await scrape(t);
    const create = { operation: "billing_portal.sessions.create" };
    expect(sample(text, "portico_stripe_requests_total", { ...create, outcome: "ok" })).toBe(2);
    expect(
      sample(text, "portico_stripe_requests_total", { ...create, outcome: "rate_limited" }),
    ).toBe(1);
    expect(
      sample(text, "portico_stripe_request_duration_seconds_count", { ...create, outcome: "ok" }),
    ).toBe(2);
    const sessions = "portico_portal_sessions_created_total";
    expect(sample(text, sessions, { flow_type: "none", mode: "test" })).toBe(1);
    expect(sample(text, sessions, { flow_type: "payment_method_update", mode: "test" })).toBe(1);
  });

  it("keeps each app's counts in its own registry", async () => {
    const other = await startTestPortico();
    try {
      await fetch(`${other.url}/healthz`);
      const text = await scrape(other);
      expect(sample(text, "portico_http_requests_total", { route: "/healthz" })).toBe(1);
      expect(text).not.toContain('route="/api/auth/signup"');
    } finally {
      await other.close();
    }
  });
});

describe("GET /metrics, configured", () => {
  it("requires the bearer token when METRICS_TOKEN is set", async () => {
    const token = "metrics-token-0123456789abcdef";
    const t = await startTestPortico({ env: { METRICS_TOKEN: token } });
    try {
      const attempts: Record<string, string>[] = [
        {},
        { authorization: "Bearer wrong-token-0123456789abcdef" },
      ];
      for (const headers of attempts) {
        const response = await fetch(`${t.url}/metrics`, { headers });
        expect(response.status).toBe(401);
        const body = (await response.json()) as { error: { code: string } };
        expect(body.error.code).toBe("UNAUTHORIZED");
      }
      const text = await scrape(t, { authorization: `Bearer ${token}` });
      expect(text).toContain("portico_http_requests_total");
    } finally {
      await t.close();
    }
  });

  it("is not served when METRICS_ENABLED=false", async () => {
    const t = await startTestPortico({ env: { METRICS_ENABLED: "false" } });
    try {
      expect((await fetch(`${t.url}/metrics`)).status).toBe(404);
    } finally {
      await t.close();
    }
  });
});

describe("GET /readyz", () => {
  it("answers 503 listing the failing checks while a mode has no default portal configuration", async () => {
    const t = await startTestPortico();
    try {
      await saveDefaultPortal(t, "test");
      const response = await fetch(`${t.url}/readyz`);
      expect(response.status).toBe(503);
      const body = (await response.json()) as {
        status: string;
        failing: string[];
        checks: { name: string; ok: boolean; message: string }[];
      };
      expect(body.status).toBe("not_ready");
      expect(body.failing).toContain("stripe_live");
      const live = body.checks.find((check) => check.name === "stripe_live");
      expect(live?.message).toMatch(/no portal configuration is saved as the Dashboard default/);
      expect(body.checks.find((check) => check.name === "database")?.ok).toBe(true);
      expect(body.checks.find((check) => check.name === "migrations")?.ok).toBe(true);
    } finally {
      await t.close();
    }
  });

  it("answers 200 with every check when the database and both Stripe modes are ready", async () => {
    const keys = newStripeKeys();
    const emulatorUrl = inject("emulatorUrl");
    for (const mode of ["test", "live"] as const) {
      const stripe = emulatorSdk(keys[mode], emulatorUrl);
      const configuration = await stripe.billingPortal.configurations.create({
        features: { invoice_history: { enabled: true } },
      });
      await saveDefaultPortalConfiguration(emulatorUrl, keys[mode], configuration.id);
    }
    const t = await startTestPortico({
      env: { STRIPE_TEST_SECRET_KEY: keys.test, STRIPE_LIVE_SECRET_KEY: keys.live },
    });
    try {
      const response = await fetch(`${t.url}/readyz`);
      const body = (await response.json()) as { status: string; checks: { name: string }[] };
      expect(response.status, JSON.stringify(body)).toBe(200);
      expect(body.status).toBe("ready");
      expect(body.checks.map((check) => check.name).sort()).toEqual([
        "database",
        "migrations",
        "stripe_live",
        "stripe_test",
      ]);
    } finally {
      await t.close();
    }
  });
});
