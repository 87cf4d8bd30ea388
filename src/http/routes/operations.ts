import { createHash, timingSafeEqual } from "node:crypto";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ReadinessCheckService } from "../../billing/readiness.js";
import type { Config } from "../../config.js";
import { unauthorized } from "../../errors.js";
import type { Metrics } from "../../metrics.js";
import type { AppEnv } from "../context.js";
import { errorResponses } from "../schemas/common.js";
import { validationHook } from "../validation.js";

/** Probes and metrics for operators: `/healthz`, `/readyz`, `/metrics`. */

const HealthSchema = z.object({ status: z.literal("ok") }).openapi("Health");

const ReadinessSchema = z
  .object({
    status: z.enum(["ready", "not_ready"]),
    checks: z.array(z.object({ name: z.string(), ok: z.boolean(), message: z.string() })),
    failing: z.array(z.string()).openapi({ description: "Names of the failing checks" }),
  })
  .openapi("Readiness");

const healthRoute = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["operations"],
  summary: "Liveness: the process answers (no I/O)",
  responses: {
    200: { description: "Alive", content: { "application/json": { schema: HealthSchema } } },
    ...errorResponses([500]),
  },
});

const readyRoute = createRoute({
  method: "get",
  path: "/readyz",
  tags: ["operations"],
  summary: "Readiness: database migrated and every Stripe mode set up",
  description:
    "Checks that the database answers and has every migration applied, and that each configured " +
    "Stripe mode has a working key, the default portal configuration and every plan's price. " +
    "Cached for about 10 seconds. Answers 503 while shutting down.",
  responses: {
    200: { description: "Ready", content: { "application/json": { schema: ReadinessSchema } } },
    503: {
      description: "Not ready; `failing` lists the failing checks",
      content: { "application/json": { schema: ReadinessSchema } },
    },
    ...errorResponses([500]),
  },
});

const metricsRoute = createRoute({
  method: "get",
  path: "/metrics",
  tags: ["operations"],
  summary: "Prometheus metrics",
  description:
    "HTTP requests, Stripe API calls, portal sessions and process metrics in the Prometheus " +
    "text format. With `METRICS_TOKEN` set it requires `Authorization: Bearer <token>`.",
  security: [{ metricsToken: [] }, {}],
  responses: {
    200: {
      description: "Prometheus exposition format",
      content: { "text/plain": { schema: z.string() } },
    },
    ...errorResponses([401, 500]),
  },
});

const digest = (value: string) => createHash("sha256").update(value).digest();

/** Compares digests so neither the token's length nor its prefix leaks through timing. */
function isMetricsToken(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), digest(token));
}

export function createOperationsRoutes(deps: {
  config: Pick<Config, "metrics">;
  metrics: Pick<Metrics, "render">;
  readiness: Pick<ReadinessCheckService, "check">;
}) {
  const { config, metrics, readiness } = deps;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  const routes = app
    .openapi(healthRoute, (c) => c.json({ status: "ok" as const }, 200))
    .openapi(readyRoute, async (c) => {
      const report = await readiness.check();
      const failing = report.checks.filter((check) => !check.ok).map((check) => check.name);
      c.header("Cache-Control", "no-store");
      return report.ready
        ? c.json({ status: "ready" as const, checks: report.checks, failing }, 200)
        : c.json({ status: "not_ready" as const, checks: report.checks, failing }, 503);
    });

  if (config.metrics.enabled) {
    app.openAPIRegistry.registerComponent("securitySchemes", "metricsToken", {
      type: "http",
      scheme: "bearer",
      description: "`METRICS_TOKEN`, when it is set",
    });
    const token = config.metrics.token;
    routes.openapi(metricsRoute, async (c) => {
      if (token !== undefined && !isMetricsToken(c.req.header("authorization"), token))
        throw unauthorized();
      const { contentType, body } = await metrics.render();
      c.header("Cache-Control", "no-store");
      return c.body(body, 200, { "Content-Type": contentType });
    });
  }
  return routes;
}
