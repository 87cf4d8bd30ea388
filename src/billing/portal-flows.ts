import type { StripeMode } from "../config.js";
import { PorticoError } from "../errors.js";
import type { PortalFlowType, PortalSessionParams, StripeGateway } from "../stripe/gateway.js";

const SUBSCRIPTION_FLOWS: ReadonlySet<PortalFlowType> = new Set([
  "subscription_cancel",
  "subscription_update",
  "subscription_update_confirm",
  "subscription_pause",
]);

// A subscription that is not the caller's answers exactly like one that does
// not exist, so ids cannot be probed across customers.
const subscriptionNotFound = () => new PorticoError("NOT_FOUND", "Subscription not found");

/**
 * Turns a client's deep-link request into Stripe `flow_data`, checking with
 * Stripe that any subscription it touches belongs to the caller's customer.
 */
export async function resolvePortalFlow(
  stripe: StripeGateway,
  input: {
    mode: StripeMode;
    customerId: string;
    flow: { type: PortalFlowType; subscription?: string | undefined; price?: string | undefined };
    afterCompletionUrl: string;
  },
): Promise<NonNullable<PortalSessionParams["flow"]>> {
  const { mode, customerId, flow, afterCompletionUrl } = input;
  if (!SUBSCRIPTION_FLOWS.has(flow.type)) return { type: flow.type, afterCompletionUrl };

  const subscription = flow.subscription
    ? await stripe.retrieveSubscription(mode, flow.subscription)
    : (await stripe.listOpenSubscriptions(mode, customerId))[0];
  if (!subscription || subscription.customerId !== customerId) {
    throw flow.subscription
      ? subscriptionNotFound()
      : new PorticoError("NOT_FOUND", "No active subscription found");
  }

  if (flow.type !== "subscription_update_confirm") {
    return { type: flow.type, subscriptionId: subscription.id, afterCompletionUrl };
  }
  const [item] = subscription.items;
  if (!item || subscription.items.length !== 1) {
    throw new PorticoError(
      "CONFLICT",
      "This subscription has several items; change it in the portal",
    );
  }
  return {
    type: flow.type,
    subscriptionId: subscription.id,
    // The portal itself refuses prices its configuration does not offer.
    item: { id: item.id, priceId: flow.price ?? item.priceId, quantity: item.quantity },
    afterCompletionUrl,
  };
}
