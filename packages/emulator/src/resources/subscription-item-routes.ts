import type Stripe from "stripe";
import { z } from "zod";
import { onCustomerClock } from "../billing/test-clock-time.js";
import { resourceMissing } from "../http/errors.js";
import { expandObject } from "../http/expand.js";
import type { FormData, FormValue } from "../http/form.js";
import { listArray } from "../http/list.js";
import {
  expandParam,
  formBoolean,
  formEnum,
  formInteger,
  formString,
  listParamShape,
  metadataParam,
  parseParams,
} from "../http/params.js";
import { type ApiRequest, defineRoute } from "../http/route.js";
import type { Account } from "../store.js";
import { notEmulated, PRORATION_BEHAVIORS } from "./common.js";
import { requireObject } from "./lookup.js";
import { requireRecurringPrice } from "./prices.js";
import type { Subscription } from "./subscription-changes.js";
import type { SubscriptionItem } from "./subscription-items.js";
import { updateSubscription } from "./subscriptions.js";

/**
 * `/v1/subscription_items`: each change is a subscription update underneath, so prorations,
 * invoices and `customer.subscription.updated` are exactly those of `items[]` on the
 * subscription.
 */

const changeShape = {
  expand: expandParam(),
  metadata: metadataParam().optional(),
  payment_behavior: formEnum([
    "allow_incomplete",
    "default_incomplete",
    "error_if_incomplete",
    "pending_if_incomplete",
  ]).optional(),
  proration_behavior: formEnum(PRORATION_BEHAVIORS).optional(),
  proration_date: formInteger().optional(),
  quantity: formInteger({ min: 0 }).optional(),
  billing_thresholds: notEmulated().optional(),
  discounts: notEmulated().optional(),
  plan: notEmulated().optional(),
  price_data: notEmulated().optional(),
  tax_rates: notEmulated().optional(),
};

const createSchema = z.strictObject({
  ...changeShape,
  subscription: formString(),
  price: formString(),
});
const updateSchema = z.strictObject({
  ...changeShape,
  price: formString().optional(),
  off_session: formBoolean().optional(),
});
const deleteSchema = z.strictObject({
  clear_usage: formBoolean().optional(),
  proration_behavior: formEnum(PRORATION_BEHAVIORS).optional(),
  proration_date: formInteger().optional(),
});
const listSchema = z.strictObject({ ...listParamShape, subscription: formString() });
const retrieveSchema = z.strictObject({ expand: expandParam() });

function findItem(account: Account, id: string) {
  for (const subscription of account.collections.subscription.values()) {
    const item = subscription.items.data.find((entry) => entry.id === id);
    if (item) return { subscription, item };
  }
  throw resourceMissing("subscription_item", id);
}

/** The raw values of the parameters the subscription update takes over. */
function pick(params: FormData, keys: readonly string[]): Record<string, FormValue> {
  const picked: Record<string, FormValue> = {};
  for (const key of keys) {
    const value = params[key];
    if (value !== undefined) picked[key] = value;
  }
  return picked;
}

/** Runs `POST /v1/subscriptions/:id` with one `items[]` entry; returns the saved subscription. */
function updateThroughSubscription(
  request: ApiRequest,
  subscription: Subscription,
  item: Record<string, FormValue>,
): Subscription {
  updateSubscription({
    ...request,
    params: {
      ...pick(request.params, ["payment_behavior", "proration_behavior", "proration_date"]),
      items: [item],
    },
    pathParams: { id: subscription.id },
  });
  return requireObject(request.account, "subscription", subscription.id);
}

function requireItemOf(subscription: Subscription, id: string): SubscriptionItem {
  const item = subscription.items.data.find((entry) => entry.id === id);
  if (!item) throw resourceMissing("subscription_item", id);
  return item;
}

function createItem(request: ApiRequest) {
  const params = parseParams(createSchema, request.params);
  const { account } = request;
  const subscription = requireObject(account, "subscription", params.subscription, "subscription");
  requireRecurringPrice(account, params.price, "price");
  const before = new Set(subscription.items.data.map((item) => item.id));
  const after = updateThroughSubscription(request, subscription, {
    ...pick(request.params, ["price", "quantity", "metadata"]),
  });
  const created = after.items.data.find((item) => !before.has(item.id));
  if (!created) throw resourceMissing("subscription_item", "");
  return expandObject(account, created, params.expand);
}

function updateItem(request: ApiRequest) {
  const params = parseParams(updateSchema, request.params);
  const { account } = request;
  const { subscription, item } = findItem(account, request.pathParams.id ?? "");
  if (params.price) requireRecurringPrice(account, params.price, "price");
  const after = updateThroughSubscription(request, subscription, {
    id: item.id,
    ...pick(request.params, ["price", "quantity", "metadata"]),
  });
  return expandObject(account, requireItemOf(after, item.id), params.expand);
}

function deleteItem(request: ApiRequest) {
  parseParams(deleteSchema, request.params);
  const { subscription, item } = findItem(request.account, request.pathParams.id ?? "");
  updateThroughSubscription(request, subscription, { id: item.id, deleted: "true" });
  return {
    id: item.id,
    object: "subscription_item",
    deleted: true,
  } satisfies Stripe.DeletedSubscriptionItem;
}

function retrieveItem(request: ApiRequest) {
  const params = parseParams(retrieveSchema, request.params);
  const { item } = findItem(request.account, request.pathParams.id ?? "");
  return expandObject(request.account, item, params.expand);
}

function listItems(request: ApiRequest) {
  const params = parseParams(listSchema, request.params);
  const subscription = requireObject(
    request.account,
    "subscription",
    params.subscription,
    "subscription",
  );
  const url = `/v1/subscription_items?subscription=${subscription.id}`;
  const page = listArray(subscription.items.data, params, url);
  return expandObject(request.account, page, params.expand);
}

/** Changes run on the test clock of the subscription's customer, as subscription updates do. */
const customerOfSubscription = (request: ApiRequest) =>
  request.account.collections.subscription.get(String(request.params.subscription))?.customer;
const customerOfItem = (request: ApiRequest) => {
  for (const subscription of request.account.collections.subscription.values()) {
    if (subscription.items.data.some((item) => item.id === request.pathParams.id)) {
      return subscription.customer;
    }
  }
  return null;
};

export const subscriptionItemRoutes = [
  defineRoute(
    "POST",
    "/v1/subscription_items",
    onCustomerClock(createItem, customerOfSubscription),
  ),
  defineRoute("GET", "/v1/subscription_items", listItems),
  defineRoute("GET", "/v1/subscription_items/:id", retrieveItem),
  defineRoute("POST", "/v1/subscription_items/:id", onCustomerClock(updateItem, customerOfItem)),
  defineRoute("DELETE", "/v1/subscription_items/:id", onCustomerClock(deleteItem, customerOfItem)),
];
