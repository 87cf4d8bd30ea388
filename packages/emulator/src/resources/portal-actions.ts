import type Stripe from "stripe";
import { StripeApiError } from "../http/errors.js";
import type { FormData } from "../http/form.js";
import type { ApiRequest } from "../http/route.js";
import type { Account, Store } from "../store.js";
import type { Wire } from "../wire.js";
import { updateCustomer } from "./customers.js";
import { isDeleted } from "./lookup.js";
import { cancelSubscription, updateSubscription } from "./subscriptions.js";

/**
 * What a customer can change from the hosted portal. Every change goes through the same
 * handler the `/v1` route uses, so the portal emits exactly the events the API would.
 */

export type Configuration = Wire<Stripe.BillingPortal.Configuration>;
export type Subscription = Wire<Stripe.Subscription>;
export type Customer = Wire<Stripe.Customer>;

/** Everything a portal session may act on: one account, one customer, one configuration. */
export type PortalActor = {
  store: Store;
  account: Account;
  origin: string;
  session: Wire<Stripe.BillingPortal.Session>;
  configuration: Configuration;
};

/** A refusal the portal page shows to the customer, with the HTTP status it answers. */
export class PortalActionError extends Error {
  readonly status: 400 | 402 | 403 | 404;
  constructor(message: string, status: 400 | 402 | 403 | 404 = 400) {
    super(message);
    this.name = "PortalActionError";
    this.status = status;
  }
}

/** Runs an API handler on the customer's behalf; portal actions carry no API request id. */
export function callApi<T>(
  actor: PortalActor,
  handler: (request: ApiRequest) => T,
  params: FormData,
  id: string,
): T {
  try {
    return handler({
      account: actor.account,
      store: actor.store,
      params,
      pathParams: { id },
      origin: actor.origin,
      requestId: null,
      idempotencyKey: null,
    });
  } catch (error) {
    if (error instanceof StripeApiError) {
      throw new PortalActionError(error.message, error.status === 404 ? 404 : 400);
    }
    throw error;
  }
}

export function findPortalCustomer(actor: PortalActor): Customer | null {
  const customer = actor.account.collections.customer.get(actor.session.customer);
  return customer && !isDeleted(customer) ? customer : null;
}

/**
 * A session may touch only its own customer's subscriptions. Another customer's id gets
 * the same answer as an unknown one, so a URL cannot probe for other customers' objects.
 */
export function requirePortalSubscription(actor: PortalActor, id: string): Subscription {
  const subscription = actor.account.collections.subscription.get(id);
  if (!subscription || subscription.customer !== actor.session.customer) {
    throw new PortalActionError("This subscription could not be found.", 404);
  }
  return subscription;
}

type FeatureName = keyof Configuration["features"];

/** A screen or action for a feature the configuration leaves off does not exist. */
export function requirePortalFeature(actor: PortalActor, feature: FeatureName): void {
  if (!actor.configuration.features[feature].enabled) {
    throw new PortalActionError("This page is not available in this portal.", 404);
  }
}

/** Subscriptions the portal lists: everything the customer still pays for or could resume. */
export function listPortalSubscriptions(actor: PortalActor): Subscription[] {
  return [...actor.account.collections.subscription.values()]
    .filter((s) => s.customer === actor.session.customer && s.status !== "canceled")
    .reverse();
}

export function cancelPortalSubscription(
  actor: PortalActor,
  subscriptionId: string,
  reason: string | undefined,
): Subscription {
  const feature = actor.configuration.features.subscription_cancel;
  requirePortalFeature(actor, "subscription_cancel");
  const subscription = requirePortalSubscription(actor, subscriptionId);
  if (subscription.status === "canceled") {
    throw new PortalActionError("This subscription has already been canceled.");
  }
  const options: readonly string[] = feature.cancellation_reason.options;
  if (reason && (!feature.cancellation_reason.enabled || !options.includes(reason))) {
    throw new PortalActionError("Choose one of the listed reasons.");
  }
  const details: FormData = reason ? { cancellation_details: { feedback: reason } } : {};
  if (feature.mode === "immediately") {
    const proration = feature.proration_behavior;
    return callApi(
      actor,
      cancelSubscription,
      {
        ...details,
        ...(proration === "none" ? {} : { prorate: "true" }),
        ...(proration === "always_invoice" ? { invoice_now: "true" } : {}),
      },
      subscription.id,
    );
  }
  return callApi(
    actor,
    updateSubscription,
    { cancel_at_period_end: "true", ...details },
    subscription.id,
  );
}

/** "Don't cancel": withdraws an end-of-period cancellation. */
export function renewPortalSubscription(actor: PortalActor, subscriptionId: string) {
  requirePortalFeature(actor, "subscription_cancel");
  const subscription = requirePortalSubscription(actor, subscriptionId);
  if (!subscription.cancel_at_period_end) {
    throw new PortalActionError("This subscription is not scheduled to cancel.");
  }
  return callApi(actor, updateSubscription, { cancel_at_period_end: "false" }, subscription.id);
}

export function pausePortalSubscription(actor: PortalActor, subscriptionId: string) {
  requirePortalFeature(actor, "subscription_pause");
  const subscription = requirePortalSubscription(actor, subscriptionId);
  if (subscription.pause_collection)
    throw new PortalActionError("This subscription is already paused.");
  // The portal pauses by voiding invoices; the status stays active, so Stripe sends
  // `customer.subscription.updated`, never `customer.subscription.paused`.
  return callApi(
    actor,
    updateSubscription,
    { pause_collection: { behavior: "void" } },
    subscription.id,
  );
}

export function resumePortalSubscription(actor: PortalActor, subscriptionId: string) {
  requirePortalFeature(actor, "subscription_pause");
  const subscription = requirePortalSubscription(actor, subscriptionId);
  if (!subscription.pause_collection)
    throw new PortalActionError("This subscription is not paused.");
  return callApi(actor, updateSubscription, { pause_collection: "" }, subscription.id);
}

export type CustomerField =
  Stripe.BillingPortal.Configuration.Features.CustomerUpdate.AllowedUpdate;

const ADDRESS_KEYS = ["line1", "line2", "city", "state", "postal_code", "country"] as const;

function readAddress(value: FormData[string] | undefined): FormData | "" | undefined {
  if (typeof value !== "object" || Array.isArray(value)) return undefined;
  const address: FormData = {};
  for (const key of ADDRESS_KEYS) {
    const part = value[key];
    if (typeof part === "string" && part.trim()) address[key] = part.trim();
  }
  return Object.keys(address).length > 0 ? address : "";
}

/**
 * Applies the billing-details form, keeping only the fields the configuration allows:
 * a crafted form cannot change anything the merchant did not open up.
 */
export function updatePortalCustomer(actor: PortalActor, form: FormData): Customer {
  const feature = actor.configuration.features.customer_update;
  requirePortalFeature(actor, "customer_update");
  const allowed = new Set<string>(feature.allowed_updates);
  const params: FormData = {};
  for (const field of ["email", "name", "phone"] as const) {
    const value = form[field];
    if (allowed.has(field) && typeof value === "string") params[field] = value.trim();
  }
  if (allowed.has("email") && params.email === "") {
    throw new PortalActionError("Enter an email address.");
  }
  const address = allowed.has("address") ? readAddress(form.address) : undefined;
  if (address !== undefined) params.address = address;
  const shipping = form.shipping;
  if (allowed.has("shipping") && typeof shipping === "object" && !Array.isArray(shipping)) {
    const shippingAddress = readAddress(shipping.address);
    const name = typeof shipping.name === "string" ? shipping.name.trim() : "";
    if (name && shippingAddress) params.shipping = { name, address: shippingAddress };
    else if (!name && shippingAddress === "") params.shipping = "";
  }
  return callApi(actor, updateCustomer, params, actor.session.customer);
}
