import Stripe from "stripe";
import { afterEach, describe, expect, it } from "vitest";
import type { DeliveryAttempt } from "./delivery-log.js";
import type { DeliverySettings } from "./delivery-settings.js";
import {
  type InProcessEmulator,
  type Responder,
  startInProcessEmulator,
  startWebhookReceiver,
  type WebhookReceiver,
} from "./test-helpers.js";

const verifier = new Stripe("sk_test_verifier");
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setUp(
  respond?: Responder,
  webhooks: Partial<DeliverySettings> = {},
): Promise<{ env: InProcessEmulator; receiver: WebhookReceiver }> {
  const receiver = await startWebhookReceiver(respond);
  const env = await startInProcessEmulator({
    webhooks: { retryBaseMs: 20, maxAttempts: 4, timeoutMs: 300, ...webhooks },
  });
  cleanups.push(receiver.close, env.close);
  return { env, receiver };
}

const flush = (env: InProcessEmulator) => env.control("POST", "/_emulator/webhooks/flush");
const readLog = async (env: InProcessEmulator) =>
  (await env.control<{ data: DeliveryAttempt[] }>("GET", "/_emulator/webhooks/deliveries")).data;

describe("webhook delivery", () => {
  it("signs every delivery so the SDK's constructEvent accepts it and rejects tampering", async () => {
    const { env, receiver } = await setUp();
    const endpoint = await env.stripe.webhookEndpoints.create({
      url: receiver.url,
      enabled_events: ["*"],
    });
    const customer = await env.stripe.customers.create({ email: "a@example.com" });
    await flush(env);

    const [delivery] = receiver.received;
    expect(delivery).toBeDefined();
    if (!delivery) return;
    expect(delivery.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(delivery.headers["user-agent"]).toBe("Stripe/1.0 (+https://stripe.com/docs/webhooks)");
    const header = String(delivery.headers["stripe-signature"]);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const event = verifier.webhooks.constructEvent(delivery.body, header, endpoint.secret ?? "");
    expect(event).toMatchObject({
      type: "customer.created",
      data: { object: { id: customer.id } },
    });

    const tampered = delivery.body.replace("a@example.com", "b@example.com");
    expect(() => verifier.webhooks.constructEvent(tampered, header, endpoint.secret ?? "")).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    const otherSecret = "whsec_wrong";
    expect(() => verifier.webhooks.constructEvent(delivery.body, header, otherSecret)).toThrow();
  });

  it("delivers only enabled event types, and nothing after delete or disable", async () => {
    const { env, receiver } = await setUp();
    const endpoint = await env.stripe.webhookEndpoints.create({
      url: receiver.url,
      enabled_events: ["customer.updated"],
    });
    const customer = await env.stripe.customers.create({});
    await env.stripe.customers.update(customer.id, { name: "Ada" });
    await flush(env);
    expect(receiver.received.map((r) => r.event.type)).toEqual(["customer.updated"]);

    await env.stripe.webhookEndpoints.update(endpoint.id, { disabled: true });
    await env.stripe.customers.update(customer.id, { name: "Grace" });
    await flush(env);
    expect(receiver.received).toHaveLength(1);

    await env.stripe.webhookEndpoints.update(endpoint.id, { disabled: false });
    await env.stripe.webhookEndpoints.del(endpoint.id);
    await env.stripe.customers.update(customer.id, { name: "Edsger" });
    await flush(env);
    expect(receiver.received).toHaveLength(1);
  });

  it("retries 500s with backoff until delivered, logging every attempt", async () => {
    const { env, receiver } = await setUp((_, index) => ({ status: index < 2 ? 500 : 200 }));
    await env.stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ["*"] });
    const customer = await env.stripe.customers.create({});
    const [event] = (await env.stripe.events.list({ type: "customer.created" })).data;
    expect(event?.pending_webhooks).toBe(1);
    await flush(env);

    expect(receiver.received).toHaveLength(3);
    const log = await readLog(env);
    expect(log.map((entry) => [entry.attempt, entry.status, entry.delivered])).toEqual([
      [1, 500, false],
      [2, 500, false],
      [3, 200, true],
    ]);
    expect(log[0]?.event).toBe(event?.id);
    expect(log[0]?.next_retry_at).not.toBeNull();
    // Exponential backoff: the second wait is about twice the first.
    const started = log.map((entry) => Date.parse(entry.timestamp));
    expect((started[1] ?? 0) - (started[0] ?? 0)).toBeGreaterThanOrEqual(15);
    expect((started[2] ?? 0) - (started[1] ?? 0)).toBeGreaterThanOrEqual(35);
    // Once delivered the event no longer counts the endpoint as pending.
    const retrieved = await env.stripe.events.retrieve(event?.id ?? "");
    expect(retrieved).toMatchObject({ pending_webhooks: 0, data: { object: { id: customer.id } } });
  });

  it("gives up after max attempts and treats a slow receiver as a timeout", async () => {
    const { env, receiver } = await setUp((_, index) => ({
      status: 200,
      delayMs: index === 0 ? 1000 : 0,
    }));
    await env.stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ["*"] });
    await env.stripe.customers.create({});
    await flush(env);
    const log = await readLog(env);
    expect(log.map((entry) => [entry.attempt, entry.status, entry.error])).toEqual([
      [1, null, "timeout"],
      [2, 200, null],
    ]);

    await env.control("POST", "/_emulator/webhooks/settings", { max_attempts: "2" });
    const failing = await startWebhookReceiver(() => ({ status: 503 }));
    cleanups.push(failing.close);
    await env.stripe.webhookEndpoints.create({
      url: failing.url,
      enabled_events: ["product.created"],
    });
    await env.stripe.products.create({ name: "P" });
    await flush(env);
    expect(failing.received).toHaveLength(2);
    const attempts = (await readLog(env)).filter((entry) => entry.url === failing.url);
    expect(attempts.at(-1)).toMatchObject({ attempt: 2, status: 503, next_retry_at: null });
  });
});
