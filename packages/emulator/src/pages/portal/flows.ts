import { html } from "hono/html";
import type Stripe from "stripe";
import { renderBillingDetailsScreen } from "./billing-details.js";
import { renderCancelScreen } from "./cancel.js";
import { renderHome } from "./home.js";
import { type Html, renderNotice, renderPortalPage } from "./layout.js";
import { renderPauseScreen } from "./pause.js";
import { renderAddCardScreen } from "./payment-methods.js";
import { renderPlanConfirmation, renderPlanPicker } from "./plans.js";
import type { PortalView } from "./session.js";

type FlowType = Stripe.BillingPortal.Session.Flow.Type;

/** What a finished portal action did, so a deep-link flow can tell whether it completed. */
export type CompletedAction = { flow: FlowType; subscription?: string; notice: string };

/** The subscription a flow is about, if it names one. */
function flowSubscription(flow: Stripe.BillingPortal.Session.Flow): string | undefined {
  return (
    flow.subscription_cancel?.subscription ??
    flow.subscription_update?.subscription ??
    flow.subscription_update_confirm?.subscription ??
    flow.subscription_pause?.subscription ??
    undefined
  );
}

function isOpenFlow(view: PortalView): boolean {
  return view.session.flow !== null && !view.link.flowCompleted;
}

/**
 * The session URL's landing screen: a deep link opens straight onto its flow until that
 * flow completes; afterwards (and without a flow) the homepage.
 */
export function renderLanding(view: PortalView, notice?: string): Html {
  const flow = view.session.flow;
  if (!flow || !isOpenFlow(view)) return renderHome(view, notice);
  const subscription = flowSubscription(flow) ?? "";
  switch (flow.type) {
    case "payment_method_update":
      return renderAddCardScreen(view);
    case "subscription_cancel":
      return renderCancelScreen(view, subscription);
    case "subscription_update":
      return renderPlanPicker(view, subscription);
    case "subscription_update_confirm": {
      // Stripe's portal changes single-item subscriptions, so the proposal is one item's.
      const proposal = flow.subscription_update_confirm?.items[0];
      return renderPlanConfirmation(view, subscription, {
        price: proposal?.price ?? "",
        quantity: proposal?.quantity === undefined ? "" : String(proposal.quantity),
      });
    }
    case "subscription_pause":
      return renderPauseScreen(view, subscription);
    case "customer_update":
      return renderBillingDetailsScreen(view);
    default:
      return renderHome(view, notice);
  }
}

/** `subscription_update_confirm` is finished by the same plan change as `subscription_update`. */
function completes(flow: Stripe.BillingPortal.Session.Flow, action: CompletedAction): boolean {
  const type = flow.type === "subscription_update_confirm" ? "subscription_update" : flow.type;
  if (type !== action.flow) return false;
  const subscription = flowSubscription(flow);
  return subscription === undefined || subscription === action.subscription;
}

/**
 * Where the browser goes after an action (a 303 target). Finishing the session's flow
 * honours `after_completion`; anything else returns to the homepage with a notice.
 */
export function resolveAfterAction(view: PortalView, action: CompletedAction): string {
  const flow = view.session.flow;
  const home = `${view.base}?notice=${action.notice}`;
  if (!flow || !isOpenFlow(view) || !completes(flow, action)) return home;
  view.link.flowCompleted = true;
  const after = flow.after_completion;
  if (after.type === "redirect" && after.redirect) return after.redirect.return_url;
  if (after.type === "hosted_confirmation") return `${view.base}/done?notice=${action.notice}`;
  return home;
}

/** `after_completion.hosted_confirmation`: the merchant's message, or Stripe's default. */
export function renderConfirmationPage(view: PortalView, notice?: string): Html {
  const message =
    view.session.flow?.after_completion.hosted_confirmation?.custom_message ??
    "Your changes have been saved.";
  return renderPortalPage(
    view,
    "All done",
    html`<h1>All done</h1>
    ${renderNotice(notice)}
    <p data-confirmation>${message}</p>`,
  );
}
