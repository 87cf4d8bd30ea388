import { OpenAPIHono } from "@hono/zod-openapi";
import type { Core } from "../core.js";
import type { AppEnv } from "../http/context.js";
import type { Identify } from "../http/identify.js";
import { renderErrors, useRequestPipeline } from "../http/request-pipeline.js";
import { createBillingRoutes } from "../http/routes/billing.js";
import { createPaymentsV1Routes } from "../http/routes/payments-v1.js";
import { createPortalRoutes } from "../http/routes/portal.js";
import { createWebhookRoutes } from "../http/routes/webhooks.js";
import type { SubjectAccess } from "../http/subject-access.js";
import { validationHook } from "../http/validation.js";

/**
 * The billing routes under the host app's `basePath`, with the standalone service's
 * contracts: `portal`, `checkout`, `subscription`, `invoices`, `plans`, `sync`,
 * `webhooks/stripe` and `v1/payments/stripe/customer-portal`. No accounts, web app or docs:
 * the host has its own.
 */
export function createEmbeddedApp(
  core: Core,
  access: { identify: Identify; subjects: SubjectAccess },
  basePath: string,
) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).basePath(basePath);
  useRequestPipeline(app, core, [`${basePath}/webhooks/*`]);
  const deps = { ...core, ...access };
  app
    .route("/", createPortalRoutes(deps))
    .route("/", createBillingRoutes(deps))
    .route("/webhooks", createWebhookRoutes(deps))
    .route("/v1", createPaymentsV1Routes(deps));
  renderErrors(app);
  return app;
}
