import type { Context, Hono } from "hono";
import {
  cancelPortalSubscription,
  PortalActionError,
  pausePortalSubscription,
  renewPortalSubscription,
  resumePortalSubscription,
  updatePortalCustomer,
} from "../../resources/portal-actions.js";
import {
  addPortalCard,
  removePortalCard,
  setPortalDefaultCard,
} from "../../resources/portal-cards.js";
import { changePortalSubscription } from "../../resources/portal-plan-change.js";
import type { Store } from "../../store.js";
import { type CompletedAction, resolveAfterAction } from "./flows.js";
import { renderAddCardScreen } from "./payment-methods.js";
import { catchQuantityRefusal } from "./plans.js";
import { readField, readPortalForm, redirectAfterPost, respondToPortal } from "./respond.js";
import type { PortalView } from "./session.js";

type FormData = Awaited<ReturnType<typeof readPortalForm>>;
type Action = (
  view: PortalView,
  form: FormData,
  c: Context,
) => CompletedAction | Response | Promise<Response>;

/** The state-changing POSTs under a session URL; each answers 303 (or re-renders a form). */
function registerAction(app: Hono, store: Store, path: string, action: Action): void {
  app.post(`/p/session/:token${path}`, (c) =>
    respondToPortal(store, c, async (view) => {
      const form = await readPortalForm(c, view);
      const result = await action(view, form, c);
      if (result instanceof Response) return result;
      return redirectAfterPost(c, resolveAfterAction(view, result));
    }),
  );
}

/** Actions that never finish a deep-link flow simply return to the homepage. */
function backHome(c: Context, view: PortalView, notice: string): Response {
  return redirectAfterPost(c, `${view.base}?notice=${notice}`);
}

const subscriptionOf = (c: Context) => c.req.param("subscription") ?? "";

export function registerPortalActions(app: Hono, store: Store): void {
  registerAction(app, store, "/subscriptions/:subscription/cancel", (view, form, c) => {
    const reason = readField(form, "reason") || undefined;
    const subscription = cancelPortalSubscription(view, subscriptionOf(c), reason);
    const notice = subscription.status === "canceled" ? "canceled" : "cancel-scheduled";
    return { flow: "subscription_cancel", subscription: subscription.id, notice };
  });
  registerAction(app, store, "/subscriptions/:subscription/renew", (view, _form, c) => {
    renewPortalSubscription(view, subscriptionOf(c));
    return backHome(c, view, "renewed");
  });
  registerAction(app, store, "/subscriptions/:subscription/update", (view, form, c) => {
    const request = { price: readField(form, "price"), quantity: readField(form, "quantity") };
    return catchQuantityRefusal(c, view, subscriptionOf(c), request, () => {
      const subscription = changePortalSubscription(view, subscriptionOf(c), request);
      return { flow: "subscription_update", subscription: subscription.id, notice: "updated" };
    });
  });
  registerAction(app, store, "/subscriptions/:subscription/pause", (view, _form, c) => {
    const subscription = pausePortalSubscription(view, subscriptionOf(c));
    return { flow: "subscription_pause", subscription: subscription.id, notice: "paused" };
  });
  registerAction(app, store, "/subscriptions/:subscription/resume", (view, _form, c) => {
    resumePortalSubscription(view, subscriptionOf(c));
    return backHome(c, view, "resumed");
  });
  registerAction(app, store, "/payment-methods", (view, form, c) => {
    const card = {
      number: readField(form, "number"),
      expiry: readField(form, "expiry"),
      cvc: readField(form, "cvc"),
    };
    try {
      addPortalCard(view, card);
    } catch (error) {
      // A declined or mistyped card re-renders the form with the message, adding nothing.
      if (!(error instanceof PortalActionError) || error.status !== 402) throw error;
      return c.html(renderAddCardScreen(view, error.message, card), 402, {
        "Cache-Control": "no-store",
      });
    }
    return { flow: "payment_method_update", notice: "card-added" };
  });
  registerAction(app, store, "/payment-methods/:paymentMethod/default", (view, _form, c) => {
    setPortalDefaultCard(view, c.req.param("paymentMethod") ?? "");
    return backHome(c, view, "default-set");
  });
  registerAction(app, store, "/payment-methods/:paymentMethod/remove", (view, _form, c) => {
    removePortalCard(view, c.req.param("paymentMethod") ?? "");
    return backHome(c, view, "card-removed");
  });
  registerAction(app, store, "/customer", (view, form) => {
    updatePortalCustomer(view, form);
    return { flow: "customer_update", notice: "details-saved" };
  });
}
