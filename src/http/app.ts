import { randomUUID } from "node:crypto";
import { OpenAPIHono } from "@hono/zod-openapi";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { Logger } from "pino";
import type { AccountService } from "../auth/accounts.js";
import type { PortalService } from "../billing/portal.js";
import type { Config } from "../config.js";
import { PorticoError } from "../errors.js";
import type { AppEnv } from "./context.js";
import { renderError } from "./errors.js";
import { logRequests } from "./request-log.js";
import { createAuthRoutes } from "./routes/auth.js";
import { createPaymentsV1Routes } from "./routes/payments-v1.js";
import { createPortalRoutes } from "./routes/portal.js";
import { validationHook } from "./validation.js";

export interface AppDeps {
  config: Config;
  logger: Logger;
  accounts: AccountService;
  portal: PortalService;
}

export function createApp(deps: AppDeps) {
  const { config, logger } = deps;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use(
    requestId({ generator: () => `req_${randomUUID().replaceAll("-", "")}`, limitLength: 128 }),
  );
  app.use(logRequests(logger));
  app.use(secureHeaders());

  const api = app
    .route("/api/auth", createAuthRoutes(deps))
    .route("/api/billing", createPortalRoutes(deps))
    .route("/api/v1", createPaymentsV1Routes(deps));

  app.get("/healthz", (c) => c.json({ status: "ok" }));

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
    servers: [{ url: config.appUrl }],
  });

  app.notFound((c) => renderError(c, new PorticoError("NOT_FOUND", "Route not found")));
  app.onError((error, c) => renderError(c, error));
  return api;
}

export type PorticoApp = ReturnType<typeof createApp>;
