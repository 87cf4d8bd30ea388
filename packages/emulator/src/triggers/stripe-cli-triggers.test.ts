import { readdirSync, readFileSync } from "node:fs";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { createTestAccount, STRIPE_REFERENCE } from "../testing.js";

/**
 * Stripe's CLI produces each event with a fixed list of API calls (`stripe trigger <event>`,
 * kept in ../shared/stripe/triggers). Replaying each list through the SDK must produce the
 * event its file is named after, as it does on Stripe.
 */

const TRIGGERS = new URL("triggers/", STRIPE_REFERENCE);

type TriggerCall = {
  name: string;
  path: string;
  method: "get" | "post" | "delete";
  params?: Record<string, unknown>;
  expected_error_type?: string;
};

const files = readdirSync(TRIGGERS).filter((file) => file.endsWith(".json"));

/** `${customer:id}` → the `id` of the call named `customer`; nested paths use dots. */
function resolve(value: unknown, results: Map<string, unknown>): unknown {
  if (typeof value === "string") {
    return value.replace(/\$\{([a-z_]+):([a-z_.]+)\}/g, (_, name: string, path: string) => {
      let found: unknown = results.get(name);
      for (const key of path.split(".")) found = (found as Record<string, unknown>)?.[key];
      if (typeof found !== "string") throw new Error(`unresolved \${${name}:${path}}`);
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item) => resolve(item, results));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolve(item, results)]),
    );
  }
  return value;
}

async function replay(stripe: Stripe, calls: TriggerCall[]) {
  const results = new Map<string, unknown>();
  for (const call of calls) {
    const path = resolve(call.path, results) as string;
    const params = resolve(call.params ?? {}, results) as Record<string, unknown>;
    try {
      const response = await stripe.rawRequest(call.method.toUpperCase(), path, params);
      if (call.expected_error_type) {
        throw new Error(`${call.name}: expected a ${call.expected_error_type}, got a success`);
      }
      results.set(call.name, response);
    } catch (error) {
      if (!(error instanceof Stripe.errors.StripeError)) throw error;
      if (error.type !== toSdkErrorType(call.expected_error_type)) {
        throw new Error(`${call.name} (${call.method} ${path}): ${error.message}`);
      }
    }
  }
}

/** The SDK names error classes (`StripeCardError`) rather than wire types (`card_error`). */
const toSdkErrorType = (wire: string | undefined) =>
  wire === undefined
    ? undefined
    : `Stripe${wire
        .split("_")
        .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
        .join("")}`;

describe("Stripe CLI triggers", () => {
  it("finds the fixtures beside the project", () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files)("%s produces its event", async (file) => {
    const { fixtures } = JSON.parse(readFileSync(new URL(file, TRIGGERS), "utf8")) as {
      fixtures: TriggerCall[];
    };
    const account = createTestAccount();
    await account.saveDefaultPortal();
    await replay(account.stripe, fixtures);
    const expected = file.replace(/\.json$/, "");
    const events = await account.stripe.events.list({ limit: 100 });
    expect(events.data.map((event) => event.type)).toContain(expected);
  });
});
