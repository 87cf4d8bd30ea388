import { Hono } from "hono";
import { countApiRequests, registerRequestCountRoutes } from "./control/request-counts.js";
import { registerControlRoutes } from "./control/routes.js";
import { registerFaultControlRoutes } from "./faults/control-routes.js";
import { createFaultMiddleware } from "./faults/fault-middleware.js";
import { createFaultRegistry, type FaultRegistry } from "./faults/fault-registry.js";
import type { FaultRuleInput } from "./faults/fault-rules.js";
import { unrecognizedRoute } from "./http/errors.js";
import {
  createApiPipeline,
  generateRequestId,
  sendJson,
  toErrorResponse,
} from "./http/pipeline.js";
import type { ApiRoute } from "./http/route.js";
import { registerAuthenticationPages } from "./pages/authenticate.js";
import { registerCheckoutPages } from "./pages/checkout.js";
import { registerFavicon } from "./pages/favicon.js";
import { registerInvoicePages } from "./pages/invoice.js";
import { registerPortalPages } from "./pages/portal.js";
import { trackMutations } from "./persistence/state-file.js";
import { checkoutSessionRoutes } from "./resources/checkout-sessions.js";
import { customerRoutes } from "./resources/customers.js";
import { eventRoutes } from "./resources/events.js";
import { invoiceItemRoutes } from "./resources/invoice-items.js";
import { invoicePreviewRoutes } from "./resources/invoice-preview.js";
import { invoiceRoutes } from "./resources/invoices.js";
import { paymentIntentRoutes } from "./resources/payment-intents.js";
import { paymentMethodRoutes } from "./resources/payment-methods.js";
import { paymentPageRoutes } from "./resources/payment-pages.js";
import { portalConfigurationRoutes } from "./resources/portal-configurations.js";
import { portalSessionRoutes } from "./resources/portal-sessions.js";
import { priceRoutes } from "./resources/prices.js";
import { productRoutes } from "./resources/products.js";
import { searchRoutes } from "./resources/search-routes.js";
import { setupIntentRoutes } from "./resources/setup-intents.js";
import { subscriptionItemRoutes } from "./resources/subscription-item-routes.js";
import { subscriptionPauseRoutes } from "./resources/subscription-pause.js";
import { subscriptionRoutes } from "./resources/subscriptions.js";
import { testClockRoutes } from "./resources/test-clocks.js";
import { createStore, type Store } from "./store.js";
import { registerWebhookControlRoutes } from "./webhooks/control-routes.js";
import { createWebhookDeliveries, type WebhookDeliveries } from "./webhooks/delivery.js";
import type { DeliverySettings } from "./webhooks/delivery-settings.js";
import { webhookEndpointRoutes } from "./webhooks/endpoints.js";

/** Every `/v1` endpoint the emulator speaks. New resources add their route lists here. */
const API_ROUTES: readonly ApiRoute[] = [
  // Fixed paths first: Hono tries routes in order, and `/v1/customers/:id` matches `search`.
  ...searchRoutes,
  ...invoicePreviewRoutes,
  ...customerRoutes,
  ...productRoutes,
  ...priceRoutes,
  ...portalConfigurationRoutes,
  ...portalSessionRoutes,
  ...subscriptionRoutes,
  ...subscriptionItemRoutes,
  ...subscriptionPauseRoutes,
  ...paymentMethodRoutes,
  ...setupIntentRoutes,
  ...paymentIntentRoutes,
  ...invoiceRoutes,
  ...invoiceItemRoutes,
  ...checkoutSessionRoutes,
  ...paymentPageRoutes,
  ...eventRoutes,
  ...webhookEndpointRoutes,
  ...testClockRoutes,
];

export type EmulatorApp = {
  app: Hono;
  store: Store;
  deliveries: WebhookDeliveries;
  faults: FaultRegistry;
};

export type EmulatorAppOptions = {
  /** Defaults for every account's webhook delivery (`--delivery-mode`, retries, timeout). */
  webhooks?: Partial<DeliverySettings>;
  /** Fault rules for every account (`--fault`). */
  faults?: readonly FaultRuleInput[];
  /** Called after every request that may have changed the store (for `--state-file`). */
  onChange?: () => void;
};

/** Builds the HTTP application around a store; no sockets, so tests can call `app.fetch`. */
export function createEmulatorApp(
  store: Store = createStore(),
  options: EmulatorAppOptions = {},
): EmulatorApp {
  const app = new Hono();
  const deliveries = createWebhookDeliveries(store, options.webhooks);
  const faults = createFaultRegistry(options.faults);
  const { onChange } = options;
  if (onChange) app.use("*", trackMutations(onChange));
  app.use("/v1/*", countApiRequests(store));
  // Registered before the routes so faults hit only the Stripe API, never control routes.
  app.use("/v1/*", createFaultMiddleware(faults));
  for (const route of API_ROUTES) {
    app.on(route.method, route.path, createApiPipeline(store, route.handler));
  }
  registerControlRoutes(app, store);
  registerPortalPages(app, store);
  registerInvoicePages(app, store);
  registerAuthenticationPages(app, store);
  registerCheckoutPages(app, store);
  registerFavicon(app);
  registerWebhookControlRoutes(app, store, deliveries);
  registerFaultControlRoutes(app, store, faults);
  registerRequestCountRoutes(app, store);
  app.all("/v1/*", (c) =>
    sendJson(c, toErrorResponse(unrecognizedRoute(c.req.method, c.req.path), generateRequestId())),
  );
  app.onError((error, c) => sendJson(c, toErrorResponse(error, generateRequestId())));
  return { app, store, deliveries, faults };
}
