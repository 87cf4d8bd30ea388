import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sample } from "../../../test/metrics.js";
import {
  postWebhook,
  type SyncedPortico,
  signedEvent,
  startSyncedPortico,
} from "../../../test/sync.js";

describe("webhook metrics", () => {
  let t: SyncedPortico;
  beforeAll(async () => {
    t = await startSyncedPortico({ env: { WEBHOOK_RETRY_INTERVAL_MS: "0" } });
  });
  afterAll(() => t?.close());

  const scrape = async () => (await fetch(`${t.url}/metrics`)).text();
  const deliver = (event: ReturnType<typeof signedEvent>) =>
    postWebhook(t, event.body, event.signature);

  it("counts deliveries by type and outcome, and ages the oldest event not applied", async () => {
    const customer = await t.stripe.test.customers.create({ email: "metrics@example.com" });
    await t.flush();
    const before = await scrape();
    expect(sample(before, "portico_webhook_unprocessed_events", { status: "failed" })).toBe(0);

    const processed = signedEvent(t.secrets.test, { type: "customer.updated", object: customer });
    expect((await deliver(processed)).status).toBe(200);
    expect((await deliver(processed)).status).toBe(200);
    const ignored = signedEvent(t.secrets.test, { type: "price.created", object: {} });
    expect((await deliver(ignored)).status).toBe(200);
    await t.control("faults", { kind: "api_error", method: "GET", path: "/v1/customers/*" });
    const failing = signedEvent(t.secrets.test, { type: "customer.updated", object: customer });
    expect((await deliver(failing)).status).toBe(500);
    await new Promise((resolve) => setTimeout(resolve, 1100));

    const text = await scrape();
    const count = (type: string, outcome: string) =>
      (sample(text, "portico_webhook_events_total", { type, outcome }) ?? 0) -
      (sample(before, "portico_webhook_events_total", { type, outcome }) ?? 0);
    expect(count("customer.updated", "processed")).toBe(1);
    expect(count("customer.updated", "duplicate")).toBe(1);
    expect(count("customer.updated", "failed")).toBe(1);
    expect(count("price.created", "ignored")).toBe(1);
    expect(sample(text, "portico_webhook_unprocessed_events", { status: "failed" })).toBe(1);
    expect(
      sample(text, "portico_webhook_oldest_unprocessed_age_seconds", { status: "failed" }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, "portico_webhook_oldest_unprocessed_age_seconds", { status: "processing" }),
    ).toBe(0);
  });
});
