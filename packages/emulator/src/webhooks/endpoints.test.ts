import { afterEach, describe, expect, it } from "vitest";
import { captureStripeError } from "../testing.js";
import { startInProcessEmulator } from "./test-helpers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setUp() {
  const env = await startInProcessEmulator();
  cleanups.push(env.close);
  return env;
}

describe("webhook endpoints", () => {
  it("shows the secret only on create and supports update, list and delete", async () => {
    const { stripe } = await setUp();
    const created = await stripe.webhookEndpoints.create({
      url: "https://example.com/hook",
      enabled_events: ["customer.created", "customer.updated"],
      description: "main",
      metadata: { team: "billing" },
    });
    expect(created).toMatchObject({
      object: "webhook_endpoint",
      status: "enabled",
      description: "main",
      metadata: { team: "billing" },
      api_version: null,
      livemode: false,
    });
    expect(created.id).toMatch(/^we_/);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9]{32}$/);

    const retrieved = await stripe.webhookEndpoints.retrieve(created.id);
    expect(retrieved.secret).toBeUndefined();
    const updated = await stripe.webhookEndpoints.update(created.id, {
      disabled: true,
      enabled_events: ["*"],
      description: "",
    });
    expect(updated).toMatchObject({ status: "disabled", enabled_events: ["*"], description: null });
    expect(updated.secret).toBeUndefined();

    const list = await stripe.webhookEndpoints.list();
    expect(list.data.map((endpoint) => [endpoint.id, endpoint.secret])).toEqual([
      [created.id, undefined],
    ]);
    expect(await stripe.webhookEndpoints.del(created.id)).toEqual({
      id: created.id,
      object: "webhook_endpoint",
      deleted: true,
    });
    const missing = await captureStripeError(stripe.webhookEndpoints.retrieve(created.id));
    expect(missing).toMatchObject({ statusCode: 404, code: "resource_missing" });
  });

  it("rejects invalid URLs, empty event lists and unknown parameters", async () => {
    const { stripe } = await setUp();
    const badUrl = await captureStripeError(
      stripe.webhookEndpoints.create({ url: "not a url", enabled_events: ["*"] }),
    );
    expect(badUrl).toMatchObject({ statusCode: 400, param: "url" });
    const noEvents = await captureStripeError(
      stripe.webhookEndpoints.create({ url: "https://example.com", enabled_events: [] }),
    );
    expect(noEvents.statusCode).toBe(400);
  });
});

describe("events API", () => {
  it("gives events Stripe's shape, with the request that caused them", async () => {
    const { stripe } = await setUp();
    await stripe.webhookEndpoints.create({ url: "http://127.0.0.1:9/x", enabled_events: ["*"] });
    await stripe.webhookEndpoints.create({
      url: "http://127.0.0.1:9/y",
      enabled_events: ["customer.updated"],
    });
    const customer = await stripe.customers.create({}, { idempotencyKey: "key-1" });
    await stripe.customers.update(customer.id, { name: "Ada" });

    const [updated, created] = (await stripe.events.list()).data;
    expect(created).toMatchObject({
      object: "event",
      api_version: "2026-10-28.endive",
      type: "customer.created",
      livemode: false,
      pending_webhooks: 1,
      request: { idempotency_key: "key-1" },
      data: { object: { id: customer.id } },
    });
    expect(created?.id).toMatch(/^evt_/);
    expect(created?.request?.id).toMatch(/^req_/);
    expect(created?.data.previous_attributes).toBeUndefined();
    expect(updated).toMatchObject({
      type: "customer.updated",
      pending_webhooks: 2,
      data: { previous_attributes: { name: null } },
    });
    expect(await stripe.events.retrieve(created?.id ?? "")).toEqual(created);
  });

  it("filters by type, types[], created and pages with cursors", async () => {
    const { stripe } = await setUp();
    const customer = await stripe.customers.create({});
    await stripe.customers.update(customer.id, { name: "A" });
    await stripe.products.create({ name: "P" });
    const all = (await stripe.events.list()).data;
    expect(all.map((event) => event.type)).toEqual([
      "product.created",
      "customer.updated",
      "customer.created",
    ]);
    const customers = await stripe.events.list({ type: "customer.*" });
    expect(customers.data).toHaveLength(2);
    const some = await stripe.events.list({ types: ["product.created", "customer.created"] });
    expect(some.data.map((event) => event.type)).toEqual(["product.created", "customer.created"]);
    const now = all[0]?.created ?? 0;
    expect((await stripe.events.list({ created: { gt: now } })).data).toEqual([]);
    const page = await stripe.events.list({ limit: 1, starting_after: all[0]?.id ?? "" });
    expect(page).toMatchObject({ has_more: true, data: [{ id: all[1]?.id }] });
  });
});
