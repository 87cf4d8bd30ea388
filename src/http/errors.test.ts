import { OpenAPIHono } from "@hono/zod-openapi";
import { DrizzleQueryError } from "drizzle-orm/errors";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { PorticoError } from "../errors.js";
import { createLogger } from "../logger.js";
import { mapStripeError } from "../stripe/errors.js";
import type { AppEnv } from "./context.js";
import { renderError } from "./errors.js";

function appThrowing(error: unknown, style: "envelope" | "detail" = "envelope") {
  const lines: string[] = [];
  const logger = createLogger(
    { logLevel: "info", env: "production" },
    { write: (line: string) => lines.push(line) },
  );
  const app = new OpenAPIHono<AppEnv>();
  app.use(async (c, next) => {
    c.set("requestId", "req_test");
    c.set("logger", logger);
    c.set("errorStyle", style);
    await next();
  });
  app.get("/", () => {
    throw error;
  });
  app.onError((thrown, c) => renderError(c, thrown));
  return { app, lines };
}

describe("renderError", () => {
  it("answers an unexpected error with a fixed 500 and the request id, and logs the cause", async () => {
    const secret = new Error("connect failed for sk_test_supersecret at /srv/app.ts:12");
    const { app, lines } = appThrowing(secret);
    const response = await app.request("/");
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      success: false,
      error: {
        code: "INTERNAL_ERROR",
        message: "Something went wrong on our side",
        requestId: "req_test",
      },
    });
    expect(text).not.toContain("sk_test");
    expect(text).not.toContain("app.ts");
    expect(lines.join("")).toContain("req_test");
  });

  it("answers a database failure with a retryable 503", async () => {
    const { app } = appThrowing(new DrizzleQueryError("select 1", [], new Error("ECONNREFUSED")));
    const response = await app.request("/");
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      "SERVICE_UNAVAILABLE",
    );
  });

  it.each([
    ["22021", 'invalid byte sequence for encoding "UTF8": 0x00'],
    ["22P05", "unsupported Unicode escape sequence"],
    ["22007", "invalid input syntax for type timestamp with time zone"],
    ["22009", "time zone displacement out of range"],
    ["23505", "duplicate key value violates unique constraint"],
  ])(
    "answers a database error caused by data (%s) with a 500, never as an outage",
    async (code, message) => {
      const cause = Object.assign(new Error(message), { code, severity: "ERROR" });
      const { app, lines } = appThrowing(new DrizzleQueryError("select $1", ["x"], cause));
      const response = await app.request("/");
      expect(response.status).toBe(500);
      expect(response.headers.get("retry-after")).toBeNull();
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        "INTERNAL_ERROR",
      );
      expect(lines.join("")).toContain(`"sqlState":"${code}"`);
    },
  );

  it.each([
    ["08006", "connection failure"],
    ["57P01", "terminating connection due to administrator command"],
    ["53300", "sorry, too many clients already"],
  ])("still answers a database outage (%s) with a retryable 503", async (code, message) => {
    const cause = Object.assign(new Error(message), { code, severity: "FATAL" });
    const { app } = appThrowing(new DrizzleQueryError("select 1", [], cause));
    const response = await app.request("/");
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
  });

  it("sets Retry-After from the error", async () => {
    const { app } = appThrowing(new PorticoError("RATE_LIMITED", "slow down", { retryAfter: 42 }));
    const response = await app.request("/");
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("42");
  });

  it("renders FastAPI details on the v1 contract", async () => {
    const { app } = appThrowing(
      new PorticoError("VALIDATION_ERROR", "bad", {
        details: [{ path: ["return_url"], location: "body", kind: "missing", message: "Required" }],
      }),
      "detail",
    );
    const response = await app.request("/");
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      detail: [{ loc: ["body", "return_url"], msg: "Required", type: "missing" }],
    });
  });
});

describe("mapStripeError", () => {
  const E = Stripe.errors;
  const portalMessage =
    "You can’t create a portal session in test mode until you save your customer portal settings in test mode at https://dashboard.stripe.com/test/settings/billing/portal.";

  it.each([
    [
      "rate limit",
      new E.StripeRateLimitError({ message: "slow", code: "rate_limit" }),
      "STRIPE_UNAVAILABLE",
    ],
    ["api error", new E.StripeAPIError({ message: "boom", statusCode: 500 }), "STRIPE_UNAVAILABLE"],
    ["connection", new E.StripeConnectionError({ message: "ECONNRESET" }), "STRIPE_UNAVAILABLE"],
    [
      "bad key",
      new E.StripeAuthenticationError({ message: "Invalid API Key" }),
      "SERVICE_UNAVAILABLE",
    ],
    [
      "no portal settings",
      new E.StripeInvalidRequestError({ message: portalMessage }),
      "PORTAL_NOT_CONFIGURED",
    ],
    [
      "a flow the configuration lacks",
      new E.StripeInvalidRequestError({ message: "disabled", param: "flow_data[type]" }),
      "VALIDATION_ERROR",
    ],
  ])("maps %s", (_, error, code) => {
    const mapped = mapStripeError(error);
    expect(mapped).toBeInstanceOf(PorticoError);
    expect((mapped as PorticoError).code).toBe(code);
    expect((mapped as PorticoError).message).not.toMatch(/dashboard\.stripe\.com/);
  });
});
