import { Hono } from "hono";
import { registerControlRoutes } from "./control/routes.js";
import { unrecognizedRoute } from "./http/errors.js";
import {
  createApiPipeline,
  generateRequestId,
  sendJson,
  toErrorResponse,
} from "./http/pipeline.js";
import type { ApiRoute } from "./http/route.js";
import { registerPortalPages } from "./pages/portal.js";
import { customerRoutes } from "./resources/customers.js";
import { eventRoutes } from "./resources/events.js";
import { portalConfigurationRoutes } from "./resources/portal-configurations.js";
import { portalSessionRoutes } from "./resources/portal-sessions.js";
import { priceRoutes } from "./resources/prices.js";
import { productRoutes } from "./resources/products.js";
import { subscriptionRoutes } from "./resources/subscriptions.js";
import { createStore, type Store } from "./store.js";

/** Every `/v1` endpoint the emulator speaks. New resources add their route lists here. */
const API_ROUTES: readonly ApiRoute[] = [
  ...customerRoutes,
  ...productRoutes,
  ...priceRoutes,
  ...portalConfigurationRoutes,
  ...portalSessionRoutes,
  ...subscriptionRoutes,
  ...eventRoutes,
];

export type EmulatorApp = { app: Hono; store: Store };

/** Builds the HTTP application around a store; no sockets, so tests can call `app.fetch`. */
export function createEmulatorApp(store: Store = createStore()): EmulatorApp {
  const app = new Hono();
  for (const route of API_ROUTES) {
    app.on(route.method, route.path, createApiPipeline(store, route.handler));
  }
  registerControlRoutes(app, store);
  registerPortalPages(app, store);
  app.all("/v1/*", (c) =>
    sendJson(c, toErrorResponse(unrecognizedRoute(c.req.method, c.req.path), generateRequestId())),
  );
  app.onError((error, c) => sendJson(c, toErrorResponse(error, generateRequestId())));
  return { app, store };
}
