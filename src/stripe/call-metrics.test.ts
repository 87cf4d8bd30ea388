import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { classifyStripeOutcome, createStripeCaller, stripeRequestIdOf } from "./call-metrics.js";
import { mapStripeError, StripeMissingError } from "./errors.js";

const raw = (extra: object = {}) => ({ message: "boom", requestId: "req_abc123", ...extra });

describe("Stripe call outcomes", () => {
  it("labels SDK errors, before or after Portico translated them", () => {
    const cases: [Error, string][] = [
      [new Stripe.errors.StripeRateLimitError(raw()), "rate_limited"],
      [new Stripe.errors.StripeAuthenticationError(raw()), "auth_error"],
      [new Stripe.errors.StripePermissionError(raw()), "auth_error"],
      [new Stripe.errors.StripeConnectionError(raw()), "connection_error"],
      [new Stripe.errors.StripeAPIError(raw()), "api_error"],
      [new Stripe.errors.StripeInvalidRequestError(raw({ statusCode: 400 })), "invalid_request"],
      [new StripeMissingError("customer"), "not_found"],
      [new Error("not from Stripe"), "error"],
    ];
    for (const [error, outcome] of cases) {
      expect(classifyStripeOutcome(error), error.name).toBe(outcome);
      expect(classifyStripeOutcome(mapStripeError(error)), `mapped ${error.name}`).toBe(outcome);
    }
  });

  it("finds Stripe's request id through the causes", () => {
    const mapped = mapStripeError(new Stripe.errors.StripeRateLimitError(raw()));
    expect(stripeRequestIdOf(mapped)).toBe("req_abc123");
    expect(stripeRequestIdOf(new Error("plain"))).toBeUndefined();
  });

  it("reports each call's operation, outcome and latency, and rethrows translated errors", async () => {
    const seen: [string, string][] = [];
    const call = createStripeCaller({
      observeStripeCall: (operation, outcome, seconds) => {
        expect(seconds).toBeGreaterThanOrEqual(0);
        seen.push([operation, outcome]);
      },
    });
    expect(await call("customers.list", async () => 42)).toBe(42);
    await expect(
      call("prices.list", () => Promise.reject(new Stripe.errors.StripeAPIError(raw()))),
    ).rejects.toMatchObject({ code: "STRIPE_UNAVAILABLE" });
    expect(seen).toEqual([
      ["customers.list", "ok"],
      ["prices.list", "api_error"],
    ]);
  });
});
