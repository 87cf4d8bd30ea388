import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Stripe from "stripe";
import { afterEach, describe, expect, it } from "vitest";
import { newStripeKeys } from "../../../../test/emulator-process.js";
import { startInProcessEmulator, startWebhookReceiver } from "./test-helpers.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe("--webhook-url", () => {
  it("registers a '*' endpoint on every new account, signed with the printed secret", async () => {
    const receiver = await startWebhookReceiver();
    const env = await startInProcessEmulator({ startupWebhook: { url: receiver.url } });
    cleanups.push(receiver.close, env.close);
    const secret = env.emulator.webhookSecret ?? "";
    expect(secret).toMatch(/^whsec_/);

    const [endpoint] = (await env.stripe.webhookEndpoints.list()).data;
    expect(endpoint).toMatchObject({ url: receiver.url, enabled_events: ["*"] });
    await env.stripe.customers.create({});
    await env.control("POST", "/_emulator/webhooks/flush");
    const [delivery] = receiver.received;
    const event = new Stripe("sk_test_x").webhooks.constructEvent(
      delivery?.body ?? "",
      String(delivery?.headers["stripe-signature"]),
      secret,
    );
    expect(event.type).toBe("customer.created");
  });

  it("limits the endpoint to --webhook-account and keeps its secret across restarts", async () => {
    const directory = mkdtempSync(join(tmpdir(), "emulator-startup-"));
    cleanups.push(() => rmSync(directory, { recursive: true }));
    const stateFile = join(directory, "state.json");
    const keys = newStripeKeys();
    const startupWebhook = { url: "http://127.0.0.1:9/hook", apiKey: keys.test };
    const first = await startInProcessEmulator({ stateFile, startupWebhook }, keys.test);
    const other = first.sdk({}, newStripeKeys().test);
    expect((await other.webhookEndpoints.list()).data).toEqual([]);
    expect((await first.stripe.webhookEndpoints.list()).data).toHaveLength(1);
    const secret = first.emulator.webhookSecret;
    await first.close();

    const second = await startInProcessEmulator({ stateFile, startupWebhook }, keys.test);
    cleanups.push(second.close);
    expect(second.emulator.webhookSecret).toBe(secret);
    expect((await second.stripe.webhookEndpoints.list()).data).toHaveLength(1);
  });
});
