import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPortico } from "../../../test/portico.js";
import {
  latestEvent,
  postWebhook,
  type SyncedPortico,
  signedEvent,
  startSyncedPortico,
} from "../../../test/sync.js";
import { stripeEvents } from "../../db/schema.js";
import { signWebhookPayload } from "../../stripe/webhooks.js";

describe("POST /api/webhooks/stripe, happy paths", () => {
  let t: SyncedPortico;
  beforeAll(async () => {
    t = await startSyncedPortico();
  });
  afterAll(() => t.close());

  const storedEvent = async (id: string) =>
    (await t.portico.database.db.select().from(stripeEvents).where(eq(stripeEvents.id, id)))[0];

  it("stores a type it does not sync as ignored and answers 200", async () => {
    await t.stripe.test.products.create({ name: "Not synced" });
    await t.flush();
    const event = await latestEvent(t.stripe.test, "product.created");
    expect(await storedEvent(event.id)).toMatchObject({
      type: "product.created",
      status: "ignored",
      attempts: 0,
      livemode: false,
      created: new Date(event.created * 1000),
    });
    const body = JSON.stringify(event);
    const again = await postWebhook(t, body, signWebhookPayload(body, t.secrets.test));
    expect(await again.json()).toEqual({
      success: true,
      data: { eventId: event.id, status: "duplicate" },
    });
  });

  it("stores the signed payload as it came, and marks the event processed", async () => {
    await t.stripe.test.customers.create({ email: "stored@example.com" });
    await t.flush();
    const event = await latestEvent(t.stripe.test, "customer.created");
    const stored = await storedEvent(event.id);
    expect(stored).toMatchObject({ status: "processed", attempts: 1, lastError: null });
    expect(stored?.processedAt).toBeInstanceOf(Date);
    // As delivered: Stripe's count of endpoints still to acknowledge was 1 then.
    expect(stored?.payload).toEqual({ ...JSON.parse(JSON.stringify(event)), pending_webhooks: 1 });
  });

  it("takes live events on the live endpoint", async () => {
    await t.stripe.live.customers.create({ email: "live@example.com" });
    await t.flush("live");
    const event = await latestEvent(t.stripe.live, "customer.created");
    expect(await storedEvent(event.id)).toMatchObject({ livemode: true, status: "processed" });
  });
});

describe("POST /api/webhooks/stripe during a secret rotation", () => {
  it("accepts either configured secret, and one STRIPE_WEBHOOK_SECRET alone", async () => {
    const rotating = await startTestPortico({
      env: { STRIPE_WEBHOOK_SECRETS: "whsec_old,whsec_new" },
    });
    const single = await startTestPortico({ env: { STRIPE_WEBHOOK_SECRET: "whsec_only" } });
    try {
      for (const [t, secret] of [
        [rotating, "whsec_old"],
        [rotating, "whsec_new"],
        [single, "whsec_only"],
      ] as const) {
        const { body, signature } = signedEvent(secret, { type: "price.created", object: {} });
        const response = await postWebhook(t, body, signature);
        expect(response.status, secret).toBe(200);
      }
    } finally {
      await rotating.close();
      await single.close();
    }
  });
});
