import { describe, expect, it } from "vitest";
import { type Config, loadConfig } from "../../config.js";
import { HANDLED_EVENT_TYPES } from "../sync/handlers.js";
import {
  checkSetupOffline,
  listOfflineItems,
  type SetupChecklistInput,
} from "./setup-checklist.js";

const TEST_KEY = "sk_test_51AbcdefghijklmnopWXYZ";
const LIVE_KEY = "sk_live_51AbcdefghijklmnopLIVE";
const EMULATOR = {
  url: "http://127.0.0.1:12111",
  webhookUrl: "http://127.0.0.1:3000/api/webhooks/stripe",
};

function items(env: Record<string, string>, options: Partial<SetupChecklistInput> = {}) {
  const setup = checkSetupOffline({
    config: loadConfig(env),
    webhookEvents: HANDLED_EVENT_TYPES,
    ...options,
  });
  return Object.fromEntries(listOfflineItems(setup).map((item) => [item.name, item]));
}

describe("the setup checklist's offline items: happy", () => {
  it("is all ok on the embedded emulator, in order, and names the emulator", () => {
    const setup = checkSetupOffline({
      config: loadConfig({}),
      emulator: EMULATOR,
      webhookEvents: HANDLED_EVENT_TYPES,
    });
    const list = listOfflineItems(setup);
    expect(list.map((item) => [item.name, item.status])).toEqual([
      ["stripe_keys", "ok"],
      ["stripe_test_webhook_secret", "ok"],
      ["app_url_origins", "ok"],
    ]);
    expect(setup.keys.message).toContain("embedded Stripe emulator on http://127.0.0.1:12111");
    expect(setup.keys.next).toContain("STRIPE_SECRET_KEY=sk_test_");
  });

  it("lists the keys per mode, the app's mode and real Stripe, without the secret", () => {
    const byName = items({
      STRIPE_TEST_SECRET_KEY: TEST_KEY,
      STRIPE_LIVE_SECRET_KEY: LIVE_KEY,
      STRIPE_MODE: "live",
      APP_URL: "https://app.example.com",
      STRIPE_WEBHOOK_SECRETS: "whsec_a,whsec_b",
      STRIPE_LIVE_WEBHOOK_SECRETS: "whsec_live",
    });
    expect(byName.stripe_keys).toEqual({
      name: "stripe_keys",
      status: "ok",
      message:
        "test mode: sk_test_…WXYZ, live mode: sk_live_…LIVE (the app's mode); real Stripe (api.stripe.com)",
    });
    expect(byName.stripe_test_webhook_secret?.message).toMatch(/^2 signing secrets; Stripe must/);
    expect(byName.stripe_live_webhook_secret).toMatchObject({
      status: "ok",
      message: `1 signing secret; Stripe must send the ${HANDLED_EVENT_TYPES.length} handled events to https://app.example.com/api/webhooks/stripe`,
    });
    expect(byName.app_url_origins).toMatchObject({ status: "ok" });
  });

  it("says a test key on STRIPE_API_BASE is not real Stripe", () => {
    const byName = items({
      STRIPE_SECRET_KEY: TEST_KEY,
      STRIPE_API_BASE: "http://127.0.0.1:12111",
    });
    expect(byName.stripe_keys?.message).toContain(
      "not real Stripe: STRIPE_API_BASE is http://127.0.0.1:12111",
    );
  });
});

describe("the setup checklist's offline items: missing", () => {
  it("asks for a webhook secret with the exact URL, the handled events and the variable", () => {
    const byName = items({ STRIPE_SECRET_KEY: TEST_KEY, APP_URL: "https://app.example.com" });
    const item = byName.stripe_test_webhook_secret;
    expect(item?.status).toBe("missing");
    expect(item?.message).toContain("https://app.example.com/api/webhooks/stripe would be refused");
    expect(item?.next).toContain(
      "register https://app.example.com/api/webhooks/stripe in the Stripe Dashboard (test mode",
    );
    expect(item?.next).toContain(`\n  ${HANDLED_EVENT_TYPES.join(" ")}\n`);
    expect(item?.next).toContain("then set STRIPE_WEBHOOK_SECRET to its signing secret");
    // A public APP_URL needs no forwarding.
    expect(item?.next).not.toContain("stripe listen");
  });

  it("points at stripe listen when APP_URL is this machine, and names each mode's variable", () => {
    const byName = items({ STRIPE_TEST_SECRET_KEY: TEST_KEY, STRIPE_LIVE_SECRET_KEY: LIVE_KEY });
    expect(byName.stripe_test_webhook_secret?.next).toContain(
      "`stripe listen --forward-to http://localhost:3000/api/webhooks/stripe`",
    );
    expect(byName.stripe_live_webhook_secret?.next).toContain("set STRIPE_LIVE_WEBHOOK_SECRETS");
  });

  it("misses APP_URL in live mode, and a Stripe key in production", () => {
    const live = items({ STRIPE_SECRET_KEY: LIVE_KEY, STRIPE_WEBHOOK_SECRET: "whsec_x" });
    expect(live.app_url_origins).toMatchObject({
      status: "missing",
      message: expect.stringContaining("APP_URL is not set, so it is http://localhost:3000"),
      next: expect.stringContaining("APP_URL=https://"),
    });
    const production = items({ NODE_ENV: "production" });
    expect(production.stripe_keys).toMatchObject({
      status: "missing",
      next: expect.stringContaining("STRIPE_SECRET_KEY=sk_test_"),
    });
    expect(items({}).stripe_keys?.status).toBe("ok");
  });
});

describe("the setup checklist's offline items: problems", () => {
  const liveEnv = { STRIPE_SECRET_KEY: LIVE_KEY, STRIPE_WEBHOOK_SECRET: "whsec_x" };

  it("refuses a localhost or plain-http APP_URL and http return origins in live mode", () => {
    expect(items({ ...liveEnv, APP_URL: "http://127.0.0.1:8080" }).app_url_origins).toMatchObject({
      status: "problem",
      message: "APP_URL http://127.0.0.1:8080 is this machine, in live mode",
    });
    const plain = items({
      ...liveEnv,
      APP_URL: "http://app.example.com",
      RETURN_URL_ORIGINS: "http://www.example.com,https://admin.example.com",
    }).app_url_origins;
    expect(plain).toMatchObject({
      status: "problem",
      message:
        "APP_URL http://app.example.com is not https, in live mode; RETURN_URL_ORIGINS has non-https origins in live mode: http://www.example.com",
      next: expect.stringContaining("only https origins in RETURN_URL_ORIGINS"),
    });
    // The same in test mode is fine: nothing real is at stake.
    expect(
      items({ STRIPE_SECRET_KEY: TEST_KEY, APP_URL: "http://app.example.com" }).app_url_origins
        ?.status,
    ).toBe("ok");
  });

  it("flags a live key sent to STRIPE_API_BASE, and a key in the other mode's slot", () => {
    expect(
      items({
        ...liveEnv,
        APP_URL: "https://app.example.com",
        STRIPE_API_BASE: "http://127.0.0.1:12111",
      }).stripe_keys,
    ).toMatchObject({
      status: "problem",
      message:
        "the live key sk_live_…LIVE is sent to http://127.0.0.1:12111 (STRIPE_API_BASE), not to Stripe",
    });
    // loadConfig refuses this environment; a config put together in code can still hold it.
    const config = loadConfig({ STRIPE_SECRET_KEY: TEST_KEY });
    const crossed: Config = { ...config, stripe: { ...config.stripe, keys: { test: LIVE_KEY } } };
    const setup = checkSetupOffline({ config: crossed, webhookEvents: HANDLED_EVENT_TYPES });
    expect(setup.keys).toMatchObject({
      status: "problem",
      message: "the test-mode key is not a test key (sk_live_…LIVE)",
    });
  });
});
