import { request as httpRequest } from "node:http";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMonthlyPrice } from "../../../test/emulator-process.js";
import { startTestPortico } from "../../../test/portico.js";
import {
  countSyncRows,
  latestEvent,
  postWebhook,
  type SyncedPortico,
  startSyncedPortico,
} from "../../../test/sync.js";
import { billingSubscriptions, stripeEvents } from "../../db/schema.js";
import { signWebhookPayload } from "../../stripe/webhooks.js";
import { WEBHOOK_BODY_LIMIT } from "./webhooks.js";

/**
 * The server answers 413 before reading the whole body and then drops the connection, so
 * this request gets a connection of its own rather than one `fetch` would reuse.
 */
function postOnFreshConnection(url: string, body: string, signature: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = httpRequest(
      url,
      {
        method: "POST",
        agent: false,
        headers: { "content-type": "application/json", "stripe-signature": signature },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          text += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    // The server may close while the body is still being written; the answer has arrived.
    request.on("error", reject);
    request.end(body);
  });
}

describe("POST /api/webhooks/stripe, errors", () => {
  let t: SyncedPortico;
  beforeAll(async () => {
    t = await startSyncedPortico();
  });
  afterAll(() => t.close());

  const signed = (body: string) => signWebhookPayload(body, t.secrets.test);

  async function expectNothingStored(body: string, status: number, code: string) {
    const before = await countSyncRows(t);
    const response = await postWebhook(t, body, signed(body));
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    expect(await countSyncRows(t)).toEqual(before);
  }

  it("refuses a signed body that is not JSON", async () => {
    await expectNothingStored('{"id":"evt_1",', 400, "INVALID_WEBHOOK");
  });

  it("refuses signed JSON that is not a Stripe event", async () => {
    await expectNothingStored('{"hello":"world"}', 400, "INVALID_WEBHOOK");
    await expectNothingStored(
      JSON.stringify({ id: "evt_1", object: "event", type: "x", created: "soon", data: {} }),
      400,
      "INVALID_WEBHOOK",
    );
  });

  it("refuses a body over 1 MB before reading it all", async () => {
    const body = JSON.stringify({
      id: "evt_big",
      object: "event",
      padding: "x".repeat(WEBHOOK_BODY_LIMIT),
    });
    const before = await countSyncRows(t);
    const answer = await postOnFreshConnection(`${t.url}/api/webhooks/stripe`, body, signed(body));
    expect(answer.status).toBe(413);
    expect((JSON.parse(answer.body) as { error: { code: string } }).error.code).toBe(
      "PAYLOAD_TOO_LARGE",
    );
    expect(await countSyncRows(t)).toEqual(before);
  });

  it("accepts a body over the global 64 KB limit but under 1 MB", async () => {
    const event = await latestEventOrCreate();
    const body = JSON.stringify({
      ...event,
      id: `${event.id}_large`,
      padding: "x".repeat(200_000),
    });
    const response = await postWebhook(t, body, signed(body));
    expect(response.status).toBe(200);
  });

  async function latestEventOrCreate() {
    await t.stripe.test.customers.create({ email: "large@example.com" });
    await t.flush();
    return latestEvent(t.stripe.test, "customer.created");
  }

  it("answers 500 and records the failure when the handler fails, then applies a redelivery", async () => {
    const customer = await t.stripe.test.customers.create({ email: "fail@example.com" });
    const price = await createMonthlyPrice(t.stripe.test, "Plan", 500);
    await t.flush();
    // Stripe is down for the refetch of this subscription.
    await t.control("faults", { kind: "api_error", method: "GET", path: "/v1/subscriptions/*" });
    const subscription = await t.stripe.test.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      payment_behavior: "default_incomplete",
    });
    await t.flush();
    const event = await latestEvent(t.stripe.test, "customer.subscription.created");
    const [failed] = await t.portico.database.db
      .select()
      .from(stripeEvents)
      .where(eq(stripeEvents.id, event.id));
    // The emulator delivered and retried it (4 attempts); each one answered 500.
    expect(failed).toMatchObject({ status: "failed", attempts: 4, processedAt: null });
    expect(failed?.lastError).toMatch(/PorticoError|unavailable/i);
    const deliveries = (await fetch(
      `${t.emulatorUrl}/_emulator/webhooks/deliveries?event=${event.id}`,
      { headers: { authorization: `Bearer ${t.keys.test}` } },
    ).then((response) => response.json())) as { data: { status: number | null }[] };
    expect(deliveries.data.map((delivery) => delivery.status)).toEqual([500, 500, 500, 500]);
    const mirrored = await t.portico.database.db
      .select()
      .from(billingSubscriptions)
      .where(eq(billingSubscriptions.stripeSubscriptionId, subscription.id));
    expect(mirrored).toEqual([]);

    await fetch(`${t.emulatorUrl}/_emulator/faults`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${t.keys.test}` },
    });
    const body = JSON.stringify(event);
    const redelivered = await postWebhook(t, body, signed(body));
    expect(redelivered.status).toBe(200);
    expect(((await redelivered.json()) as { data: { status: string } }).data.status).toBe(
      "processed",
    );
    const [processed] = await t.portico.database.db
      .select()
      .from(stripeEvents)
      .where(eq(stripeEvents.id, event.id));
    expect(processed).toMatchObject({ status: "processed", attempts: 5, lastError: null });
  });
});

describe("POST /api/webhooks/stripe without a secret", () => {
  it("answers 503 WEBHOOKS_NOT_CONFIGURED and stores nothing", async () => {
    const t = await startTestPortico();
    try {
      const body = JSON.stringify({ id: "evt_1" });
      const response = await postWebhook(t, body, signWebhookPayload(body, "whsec_any"));
      expect(response.status).toBe(503);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        "WEBHOOKS_NOT_CONFIGURED",
      );
      expect((await countSyncRows(t)).stripeEvents).toBe(0);
    } finally {
      await t.close();
    }
  });
});
