import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { saveDefaultPortalConfiguration } from "../../../../test/emulator-process.js";
import { startInProcessEmulator } from "../webhooks/test-helpers.js";

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true });
});

function newStatePath(): string {
  const directory = mkdtempSync(join(tmpdir(), "emulator-state-"));
  directories.push(directory);
  return join(directory, "nested", "emulator.json");
}

describe("--state-file", () => {
  it("keeps objects, defaults, clocks and endpoints across a restart", async () => {
    const stateFile = newStatePath();
    const first = await startInProcessEmulator({ stateFile });
    const { stripe, key } = first;
    const customer = await stripe.customers.create({ email: "kept@example.com" });
    const price = await stripe.prices.create({
      currency: "usd",
      unit_amount: 500,
      recurring: { interval: "month" },
      product_data: { name: "Plan" },
    });
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    const portal = await saveDefaultPortalConfiguration(first.emulator.url, key);
    const endpoint = await stripe.webhookEndpoints.create({
      url: "http://127.0.0.1:9/hook",
      enabled_events: ["*"],
    });
    await first.control("POST", "/_emulator/clock/advance", { seconds: "86400" });
    await first.close();

    const saved = JSON.parse(readFileSync(stateFile, "utf8"));
    expect(saved.version).toBe(1);

    const second = await startInProcessEmulator({ stateFile }, key);
    try {
      expect(await second.stripe.customers.retrieve(customer.id)).toMatchObject({
        email: "kept@example.com",
      });
      expect(await second.stripe.subscriptions.retrieve(subscription.id)).toMatchObject({
        customer: customer.id,
      });
      const session = await second.stripe.billingPortal.sessions.create({ customer: customer.id });
      expect(session.configuration).toBe(portal.id);
      expect((await second.stripe.webhookEndpoints.retrieve(endpoint.id)).url).toBe(endpoint.url);
      const state = await second.control<{ now: number }>("GET", "/_emulator/state");
      expect(state.now).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 86_399);
    } finally {
      await second.close();
    }
  });

  it("saves shortly after a change, without waiting for shutdown", async () => {
    const stateFile = newStatePath();
    const env = await startInProcessEmulator({ stateFile });
    try {
      const customer = await env.stripe.customers.create({});
      await new Promise((resolve) => setTimeout(resolve, 500));
      const saved = readFileSync(stateFile, "utf8");
      expect(saved).toContain(customer.id);
    } finally {
      await env.close();
    }
  });
});
