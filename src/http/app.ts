import { OpenAPIHono } from "@hono/zod-openapi";
import type { Logger } from "pino";
import type { AccountService } from "../auth/accounts.js";
import type { SignInLinkService } from "../auth/sign-in-links.js";
import type { OrganizationService } from "../billing/organizations.js";
import type { Config } from "../config.js";
import type { Core } from "../core.js";
import type { AppEnv } from "./context.js";
import { allowCrossOrigins, type CrossOrigins, configuredCrossOrigins } from "./cross-origin.js";
import type { Identify } from "./identify.js";
import { renderErrors, useRequestPipeline } from "./request-pipeline.js";
import { createAuthRoutes } from "./routes/auth.js";
import { createBillingRoutes } from "./routes/billing.js";
import { createDocsRoutes } from "./routes/docs.js";
import { createExchangeRoutes } from "./routes/exchange.js";
import { createOperationsRoutes } from "./routes/operations.js";
import { createOrganizationRoutes } from "./routes/organizations.js";
import { createPaymentsV1Routes } from "./routes/payments-v1.js";
import { createPortalRoutes } from "./routes/portal.js";
import { createProjectWebhookRoutes, PROJECT_WEBHOOK_PREFIX } from "./routes/project-webhooks.js";
import { createWebRoutes } from "./routes/web.js";
import { createWebhookRoutes } from "./routes/webhooks.js";
import {
  recordServiceCalls,
  type ServiceKeyAuth,
  serviceKeyAccess,
  serviceKeyIdentity,
} from "./service-key-access.js";
import type { SubjectAccess } from "./subject-access.js";
import { validationHook } from "./validation.js";

export interface AppDeps
  extends Pick<
    Core,
    | "metrics"
    | "portal"
    | "readiness"
    | "webhooks"
    | "subscriptions"
    | "checkout"
    | "invoices"
    | "plans"
    | "seats"
  > {
  config: Config;
  logger: Logger;
  accounts: AccountService;
  identify: Identify;
  /** Whose billing a request may act on: the user's own, or an organization's. */
  subjects: SubjectAccess;
  organizations: OrganizationService;
  /** The built web app; default `web/dist` in this repository. */
  webDist?: string;
  /** Set when this app serves one project of a multi-project server: its webhook URLs. */
  projectId?: string;
  /** Origins allowed besides the configured ones (a preflight names no project: theirs). */
  crossOrigins?: CrossOrigins;
  /** Service keys, for a host's backend: the billing routes then take them too. */
  serviceKeyAuth?: ServiceKeyAuth;
  /** One-time sign-in links issued to service keys (`/api/auth/exchange`). */
  signInLinks?: SignInLinkService;
}

/** Where Stripe's events arrive: the server's endpoint, and each project's. */
export const WEBHOOK_PATHS = ["/api/webhooks/*", `${PROJECT_WEBHOOK_PREFIX}/*`];

export function createApp(deps: AppDeps) {
  const { config } = deps;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  useRequestPipeline(app, deps, WEBHOOK_PATHS);
  const configured = configuredCrossOrigins(config);
  const extra = deps.crossOrigins;
  app.use(
    "/api/*",
    allowCrossOrigins(
      extra ? async (origin) => configured(origin) || (await extra(origin)) : configured,
      [...WEBHOOK_PATHS, "/api/admin/*"],
    ),
  );

  // Only the billing routes take a service key; the rest of the API is a user's own.
  const keyAuth = deps.serviceKeyAuth;
  const billingDeps = keyAuth
    ? {
        ...deps,
        identify: serviceKeyIdentity(keyAuth, deps.identify),
        subjects: serviceKeyAccess(deps.subjects),
      }
    : deps;
  if (keyAuth) app.use("/api/billing/*", recordServiceCalls(keyAuth, deps.logger));

  const api = app
    .route("/api/auth", createAuthRoutes(deps))
    .route("/api/billing", createPortalRoutes(billingDeps))
    .route("/api/billing", createBillingRoutes(billingDeps))
    .route("/api/organizations", createOrganizationRoutes(deps))
    .route("/api/webhooks", createWebhookRoutes(deps))
    .route("/api/v1", createPaymentsV1Routes(deps));
  if (keyAuth && deps.signInLinks) {
    app.route(
      "/api/auth",
      createExchangeRoutes({ serviceKeyAuth: keyAuth, signInLinks: deps.signInLinks, config }),
    );
  }
  if (deps.projectId) {
    app.route("/api/v1", createProjectWebhookRoutes({ ...deps, projectId: deps.projectId }));
  }

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

  renderErrors(app);
  return api;
}

export type PorticoApp = ReturnType<typeof createApp>;

/** The API's route types, for the web app's typed client (`hc` from hono/client). */
export type AppType = PorticoApp;
