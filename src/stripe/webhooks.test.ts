import { describe, expect, it } from "vitest";
import { signWebhookPayload, verifyWebhook, WebhookRejectedError } from "./webhooks.js";

const SECRETS = { test: ["whsec_test_old", "whsec_test_new"], live: ["whsec_live"] };
const NOW = 1_800_000_000;

function eventBody(livemode: boolean, overrides: object = {}) {
  return JSON.stringify({
    id: "evt_1",
    object: "event",
    type: "customer.updated",
    created: NOW - 10,
    livemode,
    data: { object: { id: "cus_1", object: "customer" } },
    ...overrides,
  });
}

function rejection(call: () => unknown) {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookRejectedError);
    return (error as WebhookRejectedError).reason;
  }
  throw new Error("expected a rejection");
}

describe("verifyWebhook", () => {
  it("tells the mode by the secret that signed, with any secret of a rotation", () => {
    for (const secret of SECRETS.test) {
      const body = eventBody(false);
      const verified = verifyWebhook(body, signWebhookPayload(body, secret, NOW), SECRETS, NOW);
      expect(verified).toMatchObject({ mode: "test", id: "evt_1", created: NOW - 10 });
      expect(verified.payload).toEqual(JSON.parse(body));
    }
    const live = eventBody(true);
    const signature = signWebhookPayload(live, "whsec_live", NOW);
    expect(verifyWebhook(live, signature, SECRETS, NOW).mode).toBe("live");
  });

  it("accepts a signature up to 300 s old and refuses one older", () => {
    const body = eventBody(false);
    const edge = signWebhookPayload(body, "whsec_test_new", NOW - 300);
    expect(verifyWebhook(body, edge, SECRETS, NOW).id).toBe("evt_1");
    const stale = signWebhookPayload(body, "whsec_test_new", NOW - 301);
    expect(rejection(() => verifyWebhook(body, stale, SECRETS, NOW))).toBe("signature");
  });

  it("refuses an event whose livemode disagrees with the secret's mode", () => {
    const body = eventBody(true);
    const signature = signWebhookPayload(body, "whsec_test_old", NOW);
    expect(rejection(() => verifyWebhook(body, signature, SECRETS, NOW))).toBe("mode");
  });

  it("refuses signed bodies that are not events", () => {
    const notEvents = [
      "not json",
      "[]",
      "null",
      eventBody(false, { object: "customer" }),
      eventBody(false, { id: "" }),
      eventBody(false, { id: "e".repeat(256) }),
      eventBody(false, { id: "evt_\u0000" }),
      eventBody(false, { id: 1 }),
      eventBody(false, { type: undefined }),
      eventBody(false, { type: "customer.\ud800" }),
      eventBody(false, { created: -1 }),
      eventBody(false, { created: 1.5 }),
      eventBody(false, { created: String(NOW) }),
      eventBody(false, { created: 1e13 }),
      eventBody(false, { livemode: "false" }),
      eventBody(false, { data: undefined }),
      eventBody(false, { data: { object: [] } }),
      eventBody(false, { data: { object: null } }),
      eventBody(false, { data: [] }),
    ];
    for (const body of notEvents) {
      const signature = signWebhookPayload(body, "whsec_test_old", NOW);
      expect(
        rejection(() => verifyWebhook(body, signature, SECRETS, NOW)),
        body,
      ).toBe("payload");
    }
  });

  it("keeps the event as parsed, with fields the envelope does not check", () => {
    const body = eventBody(false, { id: "e".repeat(255), request: { id: null }, extra: [1] });
    const verified = verifyWebhook(
      body,
      signWebhookPayload(body, "whsec_test_old", NOW),
      SECRETS,
      NOW,
    );
    expect(verified).toMatchObject({
      id: "e".repeat(255),
      type: "customer.updated",
      created: NOW - 10,
    });
    expect(verified.payload).toEqual(JSON.parse(body));
    expect(verified.json).toBe(body);
  });

  it("refuses a missing header, an unknown secret and an empty secret list", () => {
    const body = eventBody(false);
    expect(rejection(() => verifyWebhook(body, undefined, SECRETS, NOW))).toBe("signature");
    const foreign = signWebhookPayload(body, "whsec_someone_else", NOW);
    expect(rejection(() => verifyWebhook(body, foreign, SECRETS, NOW))).toBe("signature");
    const ours = signWebhookPayload(body, "whsec_test_old", NOW);
    expect(rejection(() => verifyWebhook(body, ours, { test: [], live: [] }, NOW))).toBe(
      "signature",
    );
  });
});
