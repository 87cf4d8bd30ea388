import type { Context, Hono } from "hono";
import { requirePortalFeature } from "../resources/portal-actions.js";
import type { Store } from "../store.js";
import { registerPortalActions } from "./portal/actions.js";
import { renderBillingDetailsScreen } from "./portal/billing-details.js";
import { renderCancelScreen } from "./portal/cancel.js";
import { renderConfirmationPage, renderLanding } from "./portal/flows.js";
import { renderPauseScreen } from "./portal/pause.js";
import { renderAddCardScreen } from "./portal/payment-methods.js";
import { catchQuantityRefusal, renderPlanConfirmation, renderPlanPicker } from "./portal/plans.js";
import { respondToPortal } from "./portal/respond.js";

/**
 * The hosted customer portal behind a session's `url`. Screens are GETs under the session
 * path; changes are CSRF-protected POST forms (see `portal/actions.ts`).
 */
export function registerPortalPages(app: Hono, store: Store): void {
  const subscriptionOf = (c: Context) => c.req.param("subscription") ?? "";
  const base = "/p/session/:token";

  app.get(base, (c) =>
    respondToPortal(store, c, (view) => renderLanding(view, c.req.query("notice"))),
  );
  app.get(`${base}/done`, (c) =>
    respondToPortal(store, c, (view) => renderConfirmationPage(view, c.req.query("notice"))),
  );
  app.get(`${base}/subscriptions/:subscription/update`, (c) =>
    respondToPortal(store, c, (view) => {
      requirePortalFeature(view, "subscription_update");
      return renderPlanPicker(view, subscriptionOf(c));
    }),
  );
  app.get(`${base}/subscriptions/:subscription/update/confirm`, (c) =>
    respondToPortal(store, c, (view) => {
      requirePortalFeature(view, "subscription_update");
      const request = {
        price: c.req.query("price") ?? "",
        quantity: c.req.query("quantity") ?? "",
      };
      return catchQuantityRefusal(c, view, subscriptionOf(c), request, () =>
        renderPlanConfirmation(view, subscriptionOf(c), request),
      );
    }),
  );
  app.get(`${base}/subscriptions/:subscription/cancel`, (c) =>
    respondToPortal(store, c, (view) => {
      requirePortalFeature(view, "subscription_cancel");
      return renderCancelScreen(view, subscriptionOf(c));
    }),
  );
  app.get(`${base}/subscriptions/:subscription/pause`, (c) =>
    respondToPortal(store, c, (view) => {
      requirePortalFeature(view, "subscription_pause");
      return renderPauseScreen(view, subscriptionOf(c));
    }),
  );
  app.get(`${base}/payment-methods/new`, (c) =>
    respondToPortal(store, c, (view) => {
      requirePortalFeature(view, "payment_method_update");
      return renderAddCardScreen(view);
    }),
  );
  app.get(`${base}/customer`, (c) =>
    respondToPortal(store, c, (view) => {
      requirePortalFeature(view, "customer_update");
      return renderBillingDetailsScreen(view);
    }),
  );
  registerPortalActions(app, store);
}
