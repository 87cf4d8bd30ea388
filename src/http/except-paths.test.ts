import { Hono } from "hono";
import { except } from "hono/combine";
import { describe, expect, it } from "vitest";
import { exceptUnder } from "./except-paths.js";

const PATTERNS = ["/api/webhooks/*", "/api/v1/projects/*"];

/** Which of `paths` a middleware under `wrap` ran for. */
async function ranFor(wrap: typeof except | typeof exceptUnder, paths: string[]) {
  const app = new Hono();
  const seen: string[] = [];
  app.use(
    wrap(PATTERNS, async (c, next) => {
      seen.push(c.req.path);
      await next();
    }),
  );
  app.all("*", (c) => c.text("ok"));
  for (const path of paths) await app.request(path, { method: "POST" });
  return seen;
}

describe("exceptUnder", () => {
  const paths = [
    "/api/webhooks",
    "/api/webhooks/",
    "/api/webhooks/stripe",
    "/api/webhooks/stripe/live",
    "/api/webhooksx",
    "/api/webhook",
    "/api/Webhooks/stripe",
    "/api/billing/portal",
    "/api/v1/projects/acme/webhooks/stripe",
    "/api/v1/payments/stripe/customer-portal",
    "/",
  ];

  it("skips the same paths as Hono's except", async () => {
    const ours = await ranFor(exceptUnder, paths);
    expect(ours).toEqual(await ranFor(except, paths));
    expect(ours).toEqual([
      "/api/webhooksx",
      "/api/webhook",
      "/api/Webhooks/stripe",
      "/api/billing/portal",
      "/api/v1/payments/stripe/customer-portal",
      "/",
    ]);
  });

  it("refuses a pattern that is not a prefix", () => {
    expect(() => exceptUnder(["/api/webhooks"], async (_c, next) => next())).toThrow(/prefix/);
  });
});
