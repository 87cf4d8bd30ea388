import type Stripe from "stripe";
import { z } from "zod";
import { buildInvoiceItem, type InvoiceItem } from "../billing/invoice-items.js";
import { onCustomerClock } from "../billing/test-clock-time.js";
import { emitEvent } from "../events.js";
import { invalidRequest } from "../http/errors.js";
import { expandObject } from "../http/expand.js";
import { matchesRange } from "../http/list.js";
import {
  expandParam,
  formBoolean,
  formInteger,
  formString,
  listParamShape,
  metadataParam,
  parseParams,
  rangeFilter,
} from "../http/params.js";
import { type ApiRequest, defineRoute } from "../http/route.js";
import { saveObject } from "../store.js";
import { applyMetadata, notEmulated } from "./common.js";
import { createListHandler, createRetrieveHandler } from "./crud.js";
import { requireLiveCustomer, requireObject } from "./lookup.js";

const periodSchema = z.strictObject({ start: formInteger(), end: formInteger() });

const unmodeledShape = {
  discounts: notEmulated().optional(),
  price_data: notEmulated().optional(),
  quantity_decimal: notEmulated().optional(),
  tax_behavior: notEmulated().optional(),
  tax_code: notEmulated().optional(),
  tax_rates: notEmulated().optional(),
  unit_amount_decimal: notEmulated().optional(),
};

const createSchema = z.strictObject({
  ...unmodeledShape,
  customer: formString(),
  amount: formInteger().optional(),
  currency: formString().optional(),
  description: z.string().optional(),
  discountable: formBoolean().optional(),
  expand: expandParam(),
  metadata: metadataParam().optional(),
  period: periodSchema.optional(),
  pricing: z.strictObject({ price: formString().optional() }).optional(),
  quantity: formInteger({ min: 0 }).optional(),
  subscription: formString().optional(),
  customer_account: notEmulated().optional(),
  // Subscription invoices are finalized at once, so there is no draft to add to.
  invoice: notEmulated().optional(),
});

const updateSchema = z.strictObject({
  ...unmodeledShape,
  amount: formInteger().optional(),
  description: z.string().optional(),
  discountable: formBoolean().optional(),
  expand: expandParam(),
  metadata: metadataParam().optional(),
  period: periodSchema.optional(),
  pricing: notEmulated().optional(),
  quantity: formInteger({ min: 0 }).optional(),
  invoicing_rules: notEmulated().optional(),
});

const listSchema = z.strictObject({
  ...listParamShape,
  created: rangeFilter().optional(),
  customer: z.string().optional(),
  invoice: z.string().optional(),
  pending: formBoolean().optional(),
  customer_account: notEmulated().optional(),
});

const deleteSchema = z.strictObject({});

function resolvePrice(request: ApiRequest, params: z.output<typeof createSchema>) {
  const priceId = params.pricing?.price;
  if (priceId) return requireObject(request.account, "price", priceId, "pricing[price]");
  if (params.amount === undefined) {
    throw invalidRequest("Missing required param: amount.", "amount", "parameter_missing");
  }
  if (!params.currency) {
    throw invalidRequest("Missing required param: currency.", "currency", "parameter_missing");
  }
  return null;
}

function createInvoiceItem(request: ApiRequest) {
  const { account } = request;
  const params = parseParams(createSchema, request.params);
  const customer = requireLiveCustomer(account, params.customer, "customer");
  if (params.subscription) {
    const subscription = requireObject(
      account,
      "subscription",
      params.subscription,
      "subscription",
    );
    if (subscription.customer !== customer.id) {
      throw invalidRequest("The subscription does not belong to this customer.", "subscription");
    }
  }
  const price = resolvePrice(request, params);
  const quantity = params.quantity ?? 1;
  const now = account.clock.now();
  const built = buildInvoiceItem(
    account,
    customer.id,
    {
      amount: price ? (price.unit_amount ?? 0) * quantity : (params.amount ?? 0),
      currency: price?.currency ?? params.currency ?? "usd",
      description: params.description ?? "",
      quantity,
      period: params.period ?? { start: now, end: now },
      price,
      subscriptionId: params.subscription ?? null,
      subscriptionItemId: null,
      proration: false,
    },
    { metadata: applyMetadata({}, params.metadata) },
  );
  const item = saveObject(account, "invoiceitem", {
    ...built,
    description: params.description ?? null,
    discountable: params.discountable ?? true,
  });
  emitEvent(account, "invoiceitem.created", item, undefined, request);
  return expandObject(account, item, params.expand);
}

/** Stripe freezes an item once an invoice took it in. */
function requirePendingItem(request: ApiRequest): InvoiceItem {
  const item = requireObject(request.account, "invoiceitem", request.pathParams.id ?? "");
  if (item.invoice !== null) {
    throw invalidRequest(
      `This invoice item cannot be modified because it is attached to an invoice (${item.invoice}) that is no longer editable.`,
    );
  }
  return item;
}

function updateInvoiceItem(request: ApiRequest) {
  const params = parseParams(updateSchema, request.params);
  const before = requirePendingItem(request);
  const quantity = params.quantity ?? before.quantity;
  const unitAmount = before.pricing?.unit_amount_decimal;
  const amount =
    params.amount ??
    (params.quantity !== undefined && unitAmount ? Number(unitAmount) * quantity : before.amount);
  const after: InvoiceItem = {
    ...before,
    amount,
    description: params.description ?? before.description,
    discountable: params.discountable ?? before.discountable,
    metadata: applyMetadata(before.metadata, params.metadata),
    period: params.period ?? before.period,
    quantity,
    quantity_decimal: String(quantity),
  };
  // The current API version has no `invoiceitem.updated` event; Stripe sends nothing.
  saveObject(request.account, "invoiceitem", after);
  return expandObject(request.account, after, params.expand);
}

function deleteInvoiceItem(request: ApiRequest) {
  parseParams(deleteSchema, request.params);
  const item = requirePendingItem(request);
  request.account.collections.invoiceitem.delete(item.id);
  emitEvent(request.account, "invoiceitem.deleted", item, undefined, request);
  return { id: item.id, object: "invoiceitem", deleted: true } satisfies Stripe.DeletedInvoiceItem;
}

const listInvoiceItems = createListHandler(
  "invoiceitem",
  "/v1/invoiceitems",
  listSchema,
  (params) => (item) =>
    (params.customer === undefined || item.customer === params.customer) &&
    (params.invoice === undefined || item.invoice === params.invoice) &&
    (params.pending === undefined || (item.invoice === null) === params.pending) &&
    matchesRange(item.date, params.created),
);

export const invoiceItemRoutes = [
  defineRoute(
    "POST",
    "/v1/invoiceitems",
    onCustomerClock(createInvoiceItem, (request) => request.params.customer),
  ),
  defineRoute("GET", "/v1/invoiceitems", listInvoiceItems),
  defineRoute("GET", "/v1/invoiceitems/:id", createRetrieveHandler("invoiceitem")),
  defineRoute("POST", "/v1/invoiceitems/:id", updateInvoiceItem),
  defineRoute("DELETE", "/v1/invoiceitems/:id", deleteInvoiceItem),
];
