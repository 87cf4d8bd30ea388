import Stripe from "stripe";
import { afterEach, describe, expect, it } from "vitest";
import { captureStripeError } from "../testing.js";
import { type InProcessEmulator, startInProcessEmulator } from "../webhooks/test-helpers.js";
import type { FaultRule } from "./fault-rules.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setUp(): Promise<InProcessEmulator> {
  const env = await startInProcessEmulator();
  cleanups.push(env.close);
  return env;
}

const addFault = (env: InProcessEmulator, params: Record<string, string>) =>
  env.control<FaultRule>("POST", "/_emulator/faults", params);

const listFaults = async (env: InProcessEmulator) =>
  (await env.control<{ data: FaultRule[] }>("GET", "/_emulator/faults")).data;

describe("fault injection", () => {
  it("answers 429 rate_limit, which the SDK does not retry", async () => {
    const env = await setUp();
    await addFault(env, { kind: "rate_limit", method: "POST", path: "/v1/customers" });
    const stripe = env.sdk({ maxNetworkRetries: 2 });
    const error = await captureStripeError(stripe.customers.create({}));
    expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(error).toMatchObject({
      statusCode: 429,
      type: "StripeRateLimitError",
      code: "rate_limit",
    });
    expect(error.headers?.["stripe-should-retry"]).toBeUndefined();
    const [rule] = await listFaults(env);
    expect(rule?.hits).toBe(1);
    // Other endpoints are untouched.
    await expect(stripe.products.create({ name: "P" })).resolves.toBeDefined();
  });

  it("answers 500 api_error, retried by the SDK with the same Idempotency-Key", async () => {
    const env = await setUp();
    await addFault(env, { kind: "api_error", method: "POST", path: "/v1/customers", times: "2" });
    const customer = await env.sdk({ maxNetworkRetries: 2 }).customers.create({ name: "Ada" });
    expect(customer.name).toBe("Ada");
    const [rule] = await listFaults(env);
    expect(rule?.hits).toBe(2);
    const keys = rule?.recent.map((hit) => hit.idempotency_key) ?? [];
    expect(keys[0]).toBeTruthy();
    expect(keys[1]).toBe(keys[0]);
    expect((await env.stripe.customers.list()).data).toHaveLength(1);

    await addFault(env, { kind: "api_error" });
    const error = await captureStripeError(env.stripe.customers.list());
    expect(error).toMatchObject({ statusCode: 500, type: "StripeAPIError" });
  });

  it("drops the connection for connection_reset", async () => {
    const env = await setUp();
    await addFault(env, { kind: "connection_reset", path: "/v1/customers*" });
    const error = await captureStripeError(env.stripe.customers.list());
    expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    // The SDK retries a reset once even with retries off, so two hits.
    expect((await listFaults(env))[0]?.hits).toBe(2);
  });

  it("holds the request for timeout until the SDK gives up", async () => {
    const env = await setUp();
    await addFault(env, { kind: "timeout", ms: "5000" });
    const started = Date.now();
    const error = await captureStripeError(env.sdk({ timeout: 300 }).customers.list());
    expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(error.message).toMatch(/timeout/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("adds latency, applies a rate, and can be cleared; control routes are never hit", async () => {
    const env = await setUp();
    await addFault(env, { kind: "latency", ms: "150", path: "/v1/products" });
    const started = Date.now();
    await env.stripe.products.list();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    await env.control("DELETE", "/_emulator/faults");
    expect(await listFaults(env)).toEqual([]);
    await addFault(env, { kind: "api_error", rate: "0.5", path: "*" });
    let failures = 0;
    for (let i = 0; i < 200; i++) {
      const result = await env.stripe.products.list().then(
        () => 0,
        () => 1,
      );
      failures += result;
    }
    expect(failures).toBeGreaterThan(60);
    expect(failures).toBeLessThan(140);
    await expect(env.control("GET", "/_emulator/state")).resolves.toBeDefined();
  });

  it("lets held requests go on when their faults are cleared", async () => {
    const env = await setUp();
    await addFault(env, { kind: "latency", ms: "600000", path: "/v1/products", times: "1" });
    await addFault(env, { kind: "timeout", ms: "600000", path: "/v1/customers", times: "1" });
    const delayed = env.stripe.products.list();
    // The held call's connection is dropped; the SDK's one retry of a reset then gets through.
    const held = env.stripe.customers.list();
    await expect.poll(async () => (await listFaults(env)).map((rule) => rule.hits)).toEqual([1, 1]);

    await env.control("DELETE", "/_emulator/faults");
    await expect(delayed).resolves.toMatchObject({ object: "list" });
    await expect(held).resolves.toMatchObject({ object: "list" });
  });

  it("scopes control-route faults to the caller's account", async () => {
    const env = await setUp();
    await addFault(env, { kind: "api_error" });
    const other = new Stripe("sk_test_someoneelse", {
      host: "127.0.0.1",
      port: env.emulator.port,
      protocol: "http",
      maxNetworkRetries: 0,
    });
    await expect(other.customers.list()).resolves.toBeDefined();
  });

  it("applies --fault rules from startup to every account", async () => {
    const env = await startInProcessEmulator({
      faults: [{ kind: "rate_limit", method: "POST", path: "/v1/billing_portal/sessions" }],
    });
    cleanups.push(env.close);
    const error = await captureStripeError(
      env.stripe.billingPortal.sessions.create({ customer: "cus_x" }),
    );
    expect(error.statusCode).toBe(429);
  });
});
