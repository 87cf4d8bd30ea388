import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPortico } from "../../../test/portico.js";
import {
  countSyncRows,
  latestEvent,
  postWebhook,
  type SyncedPortico,
  signedEvent,
  startSyncedPortico,
} from "../../../test/sync.js";
import { stripeEvents } from "../../db/schema.js";
import { signWebhookPayload } from "../../stripe/webhooks.js";

const now = () => Math.floor(Date.now() / 1000);

describe("POST /api/webhooks/stripe, security", () => {
  let t: SyncedPortico;
  let realBody: string;
  beforeAll(async () => {
    t = await startSyncedPortico();
    // A real event to tamper with, for an object that exists in Stripe.
    const customer = await t.stripe.test.customers.create({ email: "real@example.com" });
    await t.flush();
    realBody = JSON.stringify(await latestEvent(t.stripe.test, "customer.created"));
    expect(customer.id).toBeTruthy();
  });
  afterAll(() => t.close());

  async function expectRejected(response: Response, status = 400) {
    expect(response.status).toBe(status);
    const body = (await response.json()) as { success: boolean; error: { code: string } };
    expect(body.success).toBe(false);
    return body.error.code;
  }

  /** Each case must leave every sync table exactly as it was. */
  async function expectNothingStored(send: () => Promise<Response>, status = 400) {
    const before = await countSyncRows(t);
    const code = await expectRejected(await send(), status);
    expect(await countSyncRows(t)).toEqual(before);
    return code;
  }

  it("refuses a forged signature", async () => {
    const { body } = signedEvent(t.secrets.test, { type: "customer.created", object: {} });
    const forged = `t=${now()},v1=${"ab".repeat(32)}`;
    expect(await expectNothingStored(() => postWebhook(t, body, forged))).toBe("INVALID_WEBHOOK");
  });

  it("refuses a missing or unparseable header", async () => {
    const { body } = signedEvent(t.secrets.test, { type: "customer.created", object: {} });
    await expectNothingStored(() => postWebhook(t, body));
    await expectNothingStored(() => postWebhook(t, body, "garbage"));
  });

  it("refuses a signature by a secret that is not configured", async () => {
    const signature = signWebhookPayload(realBody.replace(/evt_\w+/, "evt_other1"), "whsec_x");
    await expectNothingStored(() => postWebhook(t, realBody, signature));
  });

  it("refuses a stale timestamp, even with a valid signature (replay after 300 s)", async () => {
    const stale = signWebhookPayload(realBody, t.secrets.test, now() - 301);
    await expectNothingStored(() => postWebhook(t, realBody, stale));
  });

  it("refuses a body changed after signing", async () => {
    const signature = signWebhookPayload(realBody, t.secrets.test);
    const tampered = realBody.replace("real@example.com", "evil@example.com");
    await expectNothingStored(() => postWebhook(t, tampered, signature));
  });

  it("refuses a live event signed with the test secret, and the reverse", async () => {
    const live = JSON.stringify({ ...JSON.parse(realBody), livemode: true });
    await expectNothingStored(() => postWebhook(t, live, signWebhookPayload(live, t.secrets.test)));
    await expectNothingStored(() =>
      postWebhook(t, realBody, signWebhookPayload(realBody, t.secrets.live)),
    );
  });

  it("refuses with a 400 an envelope PostgreSQL cannot hold, storing nothing", async () => {
    const farFuture = 253_402_300_800; // 10000-01-01: a Date holds it, a timestamptz does not
    const cases = [
      { id: "evt_nul\u0000id", type: "customer.updated" },
      { id: "evt_lone_\ud800", type: "customer.updated" },
      { id: "evt_nul_type", type: "customer.\u0000updated" },
      { id: "evt_far_future", type: "customer.updated", created: farFuture },
      { id: "evt_far_far_future", type: "customer.updated", created: 1e12 },
    ];
    for (const envelope of cases) {
      const { body, signature } = signedEvent(t.secrets.test, {
        ...envelope,
        object: { id: "cus_envelope", object: "customer" },
      });
      const code = await expectNothingStored(() => postWebhook(t, body, signature));
      expect(code, envelope.id).toBe("INVALID_WEBHOOK");
    }
  });

  it("answers a replayed event 200 with no second effect", async () => {
    const customer = await t.stripe.test.customers.create({ email: "replay@example.com" });
    await t.flush();
    const event = await latestEvent(t.stripe.test, "customer.created");
    expect((event.data.object as { id: string }).id).toBe(customer.id);
    const [stored] = await t.portico.database.db
      .select()
      .from(stripeEvents)
      .where(eq(stripeEvents.id, event.id));
    expect(stored).toMatchObject({ status: "processed", attempts: 1 });

    const body = JSON.stringify(event);
    const before = await countSyncRows(t);
    const replayed = await postWebhook(t, body, signWebhookPayload(body, t.secrets.test));
    expect(replayed.status).toBe(200);
    expect(await replayed.json()).toEqual({
      success: true,
      data: { eventId: event.id, status: "duplicate" },
    });
    expect(await countSyncRows(t)).toEqual(before);
    const [after] = await t.portico.database.db
      .select()
      .from(stripeEvents)
      .where(eq(stripeEvents.id, event.id));
    expect(after).toEqual(stored);
  });

  it("applies an event once when copies arrive at the same time", async () => {
    await t.stripe.test.customers.create({ email: "burst@example.com" });
    // Not through the endpoint: the test delivers the copies itself, all at once.
    const event = await latestEvent(t.stripe.test, "customer.created");
    await t.flush();
    const body = JSON.stringify({ ...event, id: `${event.id}_burst` });
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        postWebhook(t, body, signWebhookPayload(body, t.secrets.test)),
      ),
    );
    const statuses = await Promise.all(
      answers.map(
        async (answer) => ((await answer.json()) as { data: { status: string } }).data.status,
      ),
    );
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(statuses.filter((status) => status === "processed")).toHaveLength(1);
    expect(statuses.filter((status) => status === "duplicate")).toHaveLength(7);
    const [stored] = await t.portico.database.db
      .select()
      .from(stripeEvents)
      .where(eq(stripeEvents.id, `${event.id}_burst`));
    expect(stored).toMatchObject({ status: "processed", attempts: 1 });
  });

  it("applies an event once when two instances on one database receive it together", async () => {
    const sibling = await startTestPortico({
      sibling: t,
      env: { STRIPE_WEBHOOK_SECRETS: t.secrets.test },
    });
    try {
      await t.stripe.test.customers.create({ email: "twins@example.com" });
      await t.flush();
      const event = await latestEvent(t.stripe.test, "customer.created");
      const body = JSON.stringify({ ...event, id: `${event.id}_twins` });
      const answers = await Promise.all(
        [t, sibling, t, sibling].map((instance) =>
          postWebhook(instance, body, signWebhookPayload(body, t.secrets.test)),
        ),
      );
      const statuses = await Promise.all(
        answers.map(
          async (answer) => ((await answer.json()) as { data: { status: string } }).data.status,
        ),
      );
      expect(statuses.sort()).toEqual(["duplicate", "duplicate", "duplicate", "processed"]);
      const [stored] = await t.portico.database.db
        .select()
        .from(stripeEvents)
        .where(eq(stripeEvents.id, `${event.id}_twins`));
      expect(stored).toMatchObject({ status: "processed", attempts: 1 });
    } finally {
      await sibling.close();
    }
  });
});
