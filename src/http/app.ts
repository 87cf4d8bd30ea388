import { randomUUID } from "node:crypto";
import { OpenAPIHono } from "@hono/zod-openapi";
import { except } from "hono/combine";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { Logger } from "pino";
import type { AccountService } from "../auth/accounts.js";
import type { InvoiceListService } from "../billing/invoice-list.js";
import type { PlanCatalog } from "../billing/plans.js";
import type { PortalService } from "../billing/portal.js";
import type { ReadinessCheckService } from "../billing/readiness.js";
import type { SyncServices } from "../billing/sync-services.js";
import type { Config } from "../config.js";
import { PorticoError } from "../errors.js";
import type { Metrics } from "../metrics.js";
import { limitBody } from "./body-limit.js";
import type { AppEnv } from "./context.js";
import { renderError } from "./errors.js";
import { logRequests } from "./request-log.js";
import { observeRequests } from "./request-metrics.js";
import { createAuthRoutes } from "./routes/auth.js";
import { createBillingRoutes } from "./routes/billing.js";
import { createDocsRoutes } from "./routes/docs.js";
import { createOperationsRoutes } from "./routes/operations.js";
import { createPaymentsV1Routes } from "./routes/payments-v1.js";
import { createPortalRoutes } from "./routes/portal.js";
import { createWebRoutes } from "./routes/web.js";
import { createWebhookRoutes } from "./routes/webhooks.js";
import { validationHook } from "./validation.js";

export interface AppDeps {
  config: Config;
  logger: Logger;
  accounts: AccountService;
  portal: PortalService;
  metrics: Metrics;
  readiness: ReadinessCheckService;
  webhooks: SyncServices["webhooks"];
  subscriptions: SyncServices["subscriptions"];
  checkout: SyncServices["checkout"];
  invoices: InvoiceListService;
  plans: Pick<PlanCatalog, "plans">;
  /** The built web app; default `web/dist` in this repository. */
  webDist?: string;
}

/** Every route's ceiling; routes that take small bodies (portal: 16 KB) set their own, lower. */
export const GLOBAL_BODY_LIMIT = 64 * 1024;

export function createApp(deps: AppDeps) {
  const { config, logger } = deps;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use(
    requestId({ generator: () => `req_${randomUUID().replaceAll("-", "")}`, limitLength: 128 }),
  );
  app.use(logRequests(logger));
  app.use(observeRequests(deps.metrics));
  app.use(secureHeaders());
  // Stripe's events can be larger: the webhook route sets its own limit (1 MB).
  app.use(except("/api/webhooks/*", limitBody(GLOBAL_BODY_LIMIT)));

  const api = app
    .route("/api/auth", createAuthRoutes(deps))
    .route("/api/billing", createPortalRoutes(deps))
    .route("/api/billing", createBillingRoutes(deps))
    .route("/api/webhooks", createWebhookRoutes(deps))
    .route("/api/v1", createPaymentsV1Routes(deps));

  app.route("/", createOperationsRoutes(deps));
  app.route("/", createDocsRoutes());

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description:
      "A Portico session token, or the host app's JWT when external identity is configured",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "cookieAuth", {
    type: "apiKey",
    in: "cookie",
    name: "portico_session",
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: { title: "Portico", version: "0.1.0", description: "Self-serve billing on Stripe" },
    // Relative first: /docs' "Try it out" then calls the origin the page was opened on
    // (APP_URL may be another origin, e.g. a proxy's); generated clients get APP_URL.
    servers: [
      { url: "/", description: "The server that serves this document" },
      ...(config.appUrl ? [{ url: config.appUrl, description: "APP_URL" }] : []),
    ],
  });

  // Last: its page fallback must not shadow /openapi.json or any other route above.
  app.route("/", createWebRoutes({ config, distDir: deps.webDist }));

  app.notFound((c) => renderError(c, new PorticoError("NOT_FOUND", "Route not found")));
  app.onError((error, c) => renderError(c, error));
  return api;
}

export type PorticoApp = ReturnType<typeof createApp>;

/** The API's route types, for the web app's typed client (`hc` from hono/client). */
export type AppType = PorticoApp;
