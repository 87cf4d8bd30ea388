import { afterEach, describe, expect, it } from "vitest";
import { newStripeKeys } from "../../../../test/emulator-process.js";
import { captureStripeError } from "../testing.js";
import { type InProcessEmulator, startInProcessEmulator } from "../webhooks/test-helpers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

type Counts = { total: number; by_route: Record<string, number> };

describe("GET /_emulator/requests", () => {
  it("counts each key's API calls apart, failed and faulted ones too", async () => {
    const env: InProcessEmulator = await startInProcessEmulator();
    cleanups.push(env.close);
    const other = newStripeKeys().test;
    await env.stripe.customers.create({});
    await env.stripe.customers.create({});
    await captureStripeError(env.stripe.customers.retrieve("cus_missing"));
    await env.control("POST", "/_emulator/faults", {
      kind: "api_error",
      method: "POST",
      path: "/v1/products",
    });
    await captureStripeError(env.stripe.products.create({ name: "P" }));
    await env.sdk({}, other).customers.create({});

    const counts = await env.control<Counts>("GET", "/_emulator/requests");
    expect(counts).toEqual({
      total: 4,
      by_route: {
        "POST /v1/customers": 2,
        "GET /v1/customers/cus_missing": 1,
        "POST /v1/products": 1,
      },
    });

    await env.control("DELETE", "/_emulator/requests");
    expect(await env.control<Counts>("GET", "/_emulator/requests")).toEqual({
      total: 0,
      by_route: {},
    });
  });
});
