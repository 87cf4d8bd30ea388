import { afterEach, describe, expect, it } from "vitest";
import type { DeliveryMode } from "./delivery-settings.js";
import { startInProcessEmulator, startWebhookReceiver } from "./test-helpers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Emits `count` customer.created events in creation order; returns their event ids. */
async function runModeScenario(mode: DeliveryMode, count: number) {
  const receiver = await startWebhookReceiver();
  const env = await startInProcessEmulator();
  cleanups.push(receiver.close, env.close);
  await env.control("POST", "/_emulator/webhooks/mode", { mode });
  await env.stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ["*"] });
  for (let i = 0; i < count; i++) await env.stripe.customers.create({ name: `c${i}` });
  const created = (await env.stripe.events.list({ limit: 100 }).autoPagingToArray({ limit: 1000 }))
    .map((event) => event.id)
    .reverse();
  await env.control("POST", "/_emulator/webhooks/flush");
  return { created, arrived: receiver.received.map((entry) => entry.event.id) };
}

describe("delivery modes", () => {
  it("ordered delivers each event once, in creation order", async () => {
    const { created, arrived } = await runModeScenario("ordered", 30);
    expect(arrived).toEqual(created);
  });

  it("shuffled delivers each event once, not in creation order", async () => {
    const { created, arrived } = await runModeScenario("shuffled", 60);
    expect([...arrived].sort()).toEqual([...created].sort());
    expect(arrived).not.toEqual(created);
  });

  it("shuffled+duplicated delivers every event at least once, some more, out of order", async () => {
    const { created, arrived } = await runModeScenario("shuffled+duplicated", 200);
    const counts = new Map<string, number>();
    for (const id of arrived) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(new Set(counts.keys())).toEqual(new Set(created));
    const duplicated = [...counts.values()].filter((n) => n > 1).length;
    expect(duplicated).toBeGreaterThan(50);
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(3);
    const firstArrivals = arrived.filter((id, index) => arrived.indexOf(id) === index);
    expect(firstArrivals).not.toEqual(created);
  });
});
