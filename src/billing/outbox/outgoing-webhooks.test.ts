import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyCatalog,
  EXAMPLE_BILLING_CONFIG,
  payOnHostedCheckout,
  settleSetupCheck,
} from "../../../test/checkout.js";
import { cancelInPortal, changeQuantityInPortal } from "../../../test/portal-page.js";
import { APP_URL, newEncryptionKey, postJson, signUp } from "../../../test/portico.js";
import { type SyncedPortico, startSyncedPortico } from "../../../test/sync.js";
import {
  type ReceivedEvent,
  startWebhookReceiver,
  type WebhookReceiver,
} from "../../../test/webhook-receiver.js";
import { listOutboxEvents } from "../../db/outbox-events.js";
import { webhookEndpoints } from "../../db/schema.js";

/**
 * The app's side of outgoing webhooks: a real receiver verifying each delivery with
 * `stripe.webhooks.constructEvent` and the endpoint's secret, told of a checkout (the link,
 * the plan, its entitlements), a plan change and a cancellation made in the hosted portal.
 */
describe("outgoing webhooks to an app", () => {
  let t: SyncedPortico;
  let app: WebhookReceiver;
  let entitlementsOnly: WebhookReceiver;
  beforeAll(async () => {
    t = await startSyncedPortico({
      env: {
        PORTICO_CONFIG: EXAMPLE_BILLING_CONFIG,
        PORTICO_ENCRYPTION_KEY: newEncryptionKey(),
        OUTBOX_INTERVAL_MS: "50",
      },
    });
    await applyCatalog(t);
    await settleSetupCheck(t);
    app = await startWebhookReceiver();
    entitlementsOnly = await startWebhookReceiver();
    const endpoints = t.portico.outbox.endpoints;
    app.secret = (await endpoints.addEndpoint({ url: app.url })).secret;
    entitlementsOnly.secret = (
      await endpoints.addEndpoint({ url: entitlementsOnly.url, events: ["entitlements.changed"] })
    ).secret;
  });
  afterAll(async () => {
    await t?.close();
    await app?.close();
    await entitlementsOnly?.close();
  });

  const ofUser = (userId: string, type: string) => (event: ReceivedEvent) =>
    event.type === type && (event.data.object.subject as { id: string } | undefined)?.id === userId;

  const waitForEvent = async (
    receiver: WebhookReceiver,
    matches: (event: ReceivedEvent) => boolean,
  ) => {
    await receiver.waitFor((accepted) => accepted.some(matches));
    return receiver.accepted.find(matches) as ReceivedEvent;
  };

  async function openPortal(token: string) {
    const response = await postJson(
      t,
      "/api/billing/portal",
      { returnUrl: `${APP_URL}/settings/billing` },
      token,
    );
    const body = (await response.json()) as { data?: { url: string } };
    if (!body.data) throw new Error(`the portal answered ${JSON.stringify(body)}`);
    return body.data.url;
  }

  it("tells the app of checkout, a plan change and a cancellation in the portal, each verified", async () => {
    const { token, user } = await signUp(t);
    const started = await postJson(t, "/api/billing/checkout", { price: "pro_monthly" }, token);
    const session = ((await started.json()) as { data: { id: string; url: string } }).data;
    await payOnHostedCheckout(session.url);
    await t.flush();

    // Checkout created the customer, linked it, and the subscription arrived by webhook.
    const linked = await waitForEvent(app, ofUser(user.id, "customer.linked"));
    const customer = (await t.stripe.test.checkout.sessions.retrieve(session.id)).customer;
    expect(linked.data.object).toMatchObject({ object: "customer_link", customer });
    const pro = await waitForEvent(
      app,
      (event) =>
        ofUser(user.id, "subscription.changed")(event) &&
        (event.data.object.subscription as { plan: string }).plan === "pro",
    );
    expect(pro).toMatchObject({
      object: "event",
      livemode: false,
      data: {
        object: {
          object: "subscription",
          subject: { type: "user", id: user.id, external_id: null },
          subscription: { plan: "pro", status: "trialing", hasCustomer: true },
        },
      },
    });
    const proEntitlements = await waitForEvent(app, ofUser(user.id, "entitlements.changed"));
    expect(proEntitlements.data).toMatchObject({
      object: { plan: "pro", entitlements: { projects: 1000, api_access: true } },
      previous_attributes: { plan: "free", entitlements: { projects: 1, api_access: false } },
    });

    // The customer changes plan in the portal: Pro to Starter moves the entitlements.
    const subscriptionId = (await t.stripe.test.checkout.sessions.retrieve(session.id))
      .subscription as string;
    const [starter] = (await t.stripe.test.prices.list({ lookup_keys: ["starter_monthly"] })).data;
    await changeQuantityInPortal(await openPortal(token), {
      subscriptionId,
      priceId: starter?.id ?? "",
      quantity: 1,
    });
    await t.flush();
    const toStarter = await waitForEvent(
      app,
      (event) =>
        ofUser(user.id, "entitlements.changed")(event) && event.data.object.plan === "starter",
    );
    expect(toStarter.data.previous_attributes).toMatchObject({ plan: "pro" });

    // Then cancels there: the app hears it, verified with its own Stripe SDK.
    await cancelInPortal(await openPortal(token), subscriptionId);
    await t.flush();
    const canceled = await waitForEvent(
      app,
      (event) =>
        ofUser(user.id, "subscription.changed")(event) &&
        (event.data.object.subscription as { cancelAtPeriodEnd: boolean }).cancelAtPeriodEnd,
    );
    expect(canceled.data).toMatchObject({
      object: { subscription: { plan: "starter", cancelAtPeriodEnd: true } },
      previous_attributes: { cancelAtPeriodEnd: false },
    });

    // A subject's events carry a version that only grows: the order to apply them in.
    const versions = app.accepted
      .filter((event) => (event.data.object.subject as { id: string }).id === user.id)
      .map((event) => event.data.object.version as number);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(canceled.data.object.version).toBeGreaterThan(
      proEntitlements.data.object.version as number,
    );

    // Every event the outbox holds for the user reached the app, once, under its own id.
    const stored = await listOutboxEvents(t.portico.database.db, {
      subject: `user:${user.id}`,
      limit: 100,
    });
    const received = app.accepted.filter(
      (event) => (event.data.object.subject as { id: string }).id === user.id,
    );
    expect(received.map((event) => event.id).sort()).toEqual(stored.map((row) => row.id).sort());
    expect(new Set(received.map((event) => event.id)).size).toBe(received.length);
    // The cancellation left the entitlements alone: no entitlements.changed for it.
    expect(stored.filter((row) => row.type === "entitlements.changed")).toHaveLength(2);
  });

  it("sends an endpoint only the types it asked for", async () => {
    await entitlementsOnly.waitFor((accepted) => accepted.length >= 2);
    expect(new Set(entitlementsOnly.accepted.map((event) => event.type))).toEqual(
      new Set(["entitlements.changed"]),
    );
  });

  it("signs with the endpoint's secret only, and keeps that secret sealed", async () => {
    const delivered = app.raw[0];
    if (!delivered) throw new Error("nothing was delivered");
    expect(delivered.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(() =>
      Stripe.webhooks.constructEvent(delivered.body, delivered.signature, entitlementsOnly.secret),
    ).toThrow(Stripe.errors.StripeSignatureVerificationError);
    const tampered = delivered.body.replace('"livemode":false', '"livemode":true');
    expect(() => Stripe.webhooks.constructEvent(tampered, delivered.signature, app.secret)).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );

    const rows = await t.portico.database.db.select().from(webhookEndpoints);
    for (const row of rows) {
      expect(row.secret.startsWith("v1.")).toBe(true);
      expect(row.secret).not.toContain(app.secret.slice("whsec_".length));
    }
    const [first] = rows;
    const listed = await t.portico.outbox.endpoints.listEndpoints();
    expect(JSON.stringify(listed)).not.toContain("whsec_");
    expect(listed.find((row) => row.id === first?.id)).not.toHaveProperty("secret");
  });
});
