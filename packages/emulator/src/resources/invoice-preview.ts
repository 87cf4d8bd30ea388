import type Stripe from "stripe";
import { z } from "zod";
import { buildDraftInvoice, type Invoice, type LineInput } from "../billing/invoice-build.js";
import { lineOfItem, listPendingItems } from "../billing/invoice-items.js";
import { planProration } from "../billing/prorations.js";
import { periodLines } from "../billing/subscription-invoicing.js";
import { onCustomerClock } from "../billing/test-clock-time.js";
import { invalidRequest } from "../http/errors.js";
import { expandObject } from "../http/expand.js";
import { expandParam, formInteger, formString, parseParams } from "../http/params.js";
import { type ApiRequest, defineRoute } from "../http/route.js";
import { generateRandomString } from "../ids.js";
import type { Account } from "../store.js";
import { notEmulated, PRORATION_BEHAVIORS } from "./common.js";
import { requireLiveCustomer, requireObject } from "./lookup.js";
import { requireRecurringPrice } from "./prices.js";
import { applyItemChanges, type Subscription } from "./subscription-changes.js";
import { buildSubscriptionItem, computePeriod, toItemList } from "./subscription-items.js";
import { updateSubscriptionSchema } from "./subscription-params.js";

const subscriptionDetailsSchema = z.strictObject({
  items: updateSubscriptionSchema.shape.items,
  proration_behavior: z.enum(PRORATION_BEHAVIORS).optional(),
  proration_date: formInteger().optional(),
  billing_cycle_anchor: notEmulated().optional(),
  billing_mode: notEmulated().optional(),
  billing_schedules: notEmulated().optional(),
  cancel_at: notEmulated().optional(),
  cancel_at_period_end: notEmulated().optional(),
  cancel_now: notEmulated().optional(),
  default_tax_rates: notEmulated().optional(),
  metadata: notEmulated().optional(),
  pause: notEmulated().optional(),
  resume_at: notEmulated().optional(),
  start_date: notEmulated().optional(),
  trial_end: notEmulated().optional(),
});

const previewSchema = z.strictObject({
  customer: formString().optional(),
  subscription: formString().optional(),
  subscription_details: subscriptionDetailsSchema.optional(),
  expand: expandParam(),
  automatic_tax: notEmulated().optional(),
  currency: notEmulated().optional(),
  customer_account: notEmulated().optional(),
  customer_details: notEmulated().optional(),
  discounts: notEmulated().optional(),
  invoice_items: notEmulated().optional(),
  issuer: notEmulated().optional(),
  on_behalf_of: notEmulated().optional(),
  preview_mode: notEmulated().optional(),
  schedule: notEmulated().optional(),
  schedule_details: notEmulated().optional(),
});

type PreviewParams = z.output<typeof previewSchema>;
type Preview = { lines: LineInput[]; reason: Stripe.Invoice.BillingReason };

function noUpcomingInvoice(customerId: string) {
  return invalidRequest(
    `No upcoming invoices for customer: ${customerId}`,
    undefined,
    "invoice_upcoming_none",
  );
}

/** The subscription as it would be after its current period ends. */
function renew(subscription: Subscription): Subscription {
  const items = subscription.items.data.map((item) => {
    const period = computePeriod(item.price, item.current_period_end, null);
    return { ...item, current_period_start: period.start, current_period_end: period.end };
  });
  return { ...subscription, items: toItemList(subscription.id, items) };
}

/**
 * What an existing subscription bills next. A plan change in `subscription_details.items`
 * adds its prorations: invoiced on their own with `always_invoice`, otherwise carried by
 * the renewal invoice as `create_prorations` leaves them.
 */
function previewSubscription(
  account: Account,
  subscription: Subscription,
  params: PreviewParams,
): Preview {
  if (subscription.status === "canceled" || subscription.cancel_at_period_end) {
    throw noUpcomingInvoice(subscription.customer as string);
  }
  const details = params.subscription_details;
  const changed = details?.items
    ? {
        ...subscription,
        items: toItemList(subscription.id, applyItemChanges(account, subscription, details.items)),
      }
    : subscription;
  const behavior = details?.proration_behavior ?? "create_prorations";
  const at = details?.proration_date ?? account.clock.now();
  const proration = planProration(account, subscription, changed, behavior, at);
  const pending = listPendingItems(account, subscription.customer as string, subscription.id).map(
    (item) => lineOfItem(account, item),
  );
  if (behavior === "always_invoice" && proration.lines.length > 0) {
    return { lines: [...pending, ...proration.lines], reason: "subscription_update" };
  }
  const next = periodLines(account, renew(changed), false);
  return { lines: [...pending, ...proration.lines, ...next], reason: "upcoming" };
}

/** A subscription that does not exist yet: its first invoice. */
function previewNewSubscription(
  account: Account,
  customerId: string,
  items: NonNullable<NonNullable<PreviewParams["subscription_details"]>["items"]>,
): Preview {
  const now = account.clock.now();
  const draft = items.map((item, index) => {
    if (!item.price) {
      const param = `subscription_details[items][${index}][price]`;
      throw invalidRequest(`Missing required param: ${param}.`, param, "parameter_missing");
    }
    const price = requireRecurringPrice(
      account,
      item.price,
      `subscription_details[items][${index}][price]`,
    );
    return buildSubscriptionItem({
      subscriptionId: "",
      price,
      quantity: item.quantity ?? 1,
      metadata: {},
      period: computePeriod(price, now, null),
      created: now,
    });
  });
  const subscription = { items: toItemList("", draft), id: "" } as Subscription;
  const pending = listPendingItems(account, customerId, null).map((item) =>
    lineOfItem(account, item),
  );
  return {
    lines: [...pending, ...periodLines(account, subscription, false)],
    reason: "subscription_create",
  };
}

function buildPreview(request: ApiRequest, params: PreviewParams): Invoice {
  const { account } = request;
  const subscription = params.subscription
    ? requireObject(account, "subscription", params.subscription, "subscription")
    : null;
  const customerId = params.customer ?? (subscription?.customer as string | undefined);
  if (!customerId) {
    throw invalidRequest(
      "Must provide at least one of `customer`, `customer_account`, `subscription` or `schedule`.",
    );
  }
  const customer = requireLiveCustomer(account, customerId, "customer");
  const items = params.subscription_details?.items;
  const preview = subscription
    ? previewSubscription(account, subscription, params)
    : items
      ? previewNewSubscription(account, customer.id, items)
      : {
          lines: listPendingItems(account, customer.id, null).map((item) =>
            lineOfItem(account, item),
          ),
          reason: "manual" as const,
        };
  if (preview.lines.length === 0) throw noUpcomingInvoice(customer.id);
  const starts = preview.lines.map((line) => line.period.start);
  const ends = preview.lines.map((line) => line.period.end);
  const draft = buildDraftInvoice(account, {
    customer,
    subscription,
    billingReason: preview.reason,
    lines: preview.lines,
    currency: preview.lines[0]?.currency ?? "usd",
    period: { start: Math.min(...starts), end: Math.max(...ends) },
    collectionMethod: subscription?.collection_method ?? "charge_automatically",
    daysUntilDue: subscription?.days_until_due ?? null,
  });
  // Preview invoices are never saved; Stripe marks their ids as upcoming.
  const id = `upcoming_in_${generateRandomString(24)}`;
  return {
    ...draft,
    id,
    lines: {
      ...draft.lines,
      data: draft.lines.data.map((line) => ({ ...line, invoice: id })),
      url: `/v1/invoices/${id}/lines`,
    },
  };
}

/** `POST /v1/invoices/create_preview`: the invoice that would come next, saving nothing. */
function createPreview(request: ApiRequest) {
  const params = parseParams(previewSchema, request.params);
  return expandObject(request.account, buildPreview(request, params), params.expand);
}

/** A preview looks ahead from the customer's test clock, if it has one. */
const customerOfPreview = (request: ApiRequest) =>
  request.params.customer ??
  request.account.collections.subscription.get(String(request.params.subscription))?.customer;

export const invoicePreviewRoutes = [
  defineRoute(
    "POST",
    "/v1/invoices/create_preview",
    onCustomerClock(createPreview, customerOfPreview),
  ),
];
