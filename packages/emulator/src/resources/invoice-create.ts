import { z } from "zod";
import { createOneOffInvoice, deleteDraftInvoice } from "../billing/invoice-drafts.js";
import { resolveCustomerPaymentMethod } from "../billing/payment-method-tokens.js";
import { invalidRequest } from "../http/errors.js";
import { expandObject } from "../http/expand.js";
import {
  expandParam,
  formBoolean,
  formEnum,
  formInteger,
  formString,
  metadataParam,
  parseParams,
} from "../http/params.js";
import type { ApiRequest } from "../http/route.js";
import { applyMetadata, notEmulated } from "./common.js";
import { requireLiveCustomer, requireObject } from "./lookup.js";

const unmodeledShape = {
  account_tax_ids: notEmulated().optional(),
  application_fee_amount: notEmulated().optional(),
  automatic_tax: notEmulated().optional(),
  custom_fields: notEmulated().optional(),
  customer_account: notEmulated().optional(),
  default_source: notEmulated().optional(),
  default_tax_rates: notEmulated().optional(),
  discounts: notEmulated().optional(),
  effective_at: notEmulated().optional(),
  from_invoice: notEmulated().optional(),
  issuer: notEmulated().optional(),
  number: notEmulated().optional(),
  on_behalf_of: notEmulated().optional(),
  payment_settings: notEmulated().optional(),
  rendering: notEmulated().optional(),
  shipping_cost: notEmulated().optional(),
  shipping_details: notEmulated().optional(),
  statement_descriptor: notEmulated().optional(),
  transfer_data: notEmulated().optional(),
};

const createSchema = z.strictObject({
  ...unmodeledShape,
  customer: formString(),
  auto_advance: formBoolean().optional(),
  automatically_finalizes_at: formInteger().optional(),
  collection_method: formEnum(["charge_automatically", "send_invoice"]).optional(),
  currency: formString().optional(),
  days_until_due: formInteger({ min: 0 }).optional(),
  default_payment_method: formString().optional(),
  description: z.string().optional(),
  due_date: formInteger().optional(),
  expand: expandParam(),
  footer: z.string().optional(),
  metadata: metadataParam().optional(),
  pending_invoice_items_behavior: formEnum(["exclude", "include"]).optional(),
  subscription: formString().optional(),
});

type CreateParams = z.output<typeof createSchema>;

const deleteSchema = z.strictObject({});

/** Due dates belong to invoices the customer pays themselves, as Stripe insists. */
export function assertDueDateFits(
  collectionMethod: string,
  params: { days_until_due?: number; due_date?: number },
): void {
  if (collectionMethod === "send_invoice") return;
  for (const param of ["days_until_due", "due_date"] as const) {
    if (params[param] === undefined) continue;
    throw invalidRequest(
      `You cannot set \`${param}\` if \`collection_method\` is \`charge_automatically\`.`,
      param,
    );
  }
}

function requireSubscriptionOf(request: ApiRequest, params: CreateParams, customerId: string) {
  if (!params.subscription) return null;
  const subscription = requireObject(
    request.account,
    "subscription",
    params.subscription,
    "subscription",
  );
  if (subscription.customer !== customerId) {
    throw invalidRequest("The subscription does not belong to this customer.", "subscription");
  }
  return subscription;
}

export function createInvoice(request: ApiRequest) {
  const { account } = request;
  const params = parseParams(createSchema, request.params);
  const customer = requireLiveCustomer(account, params.customer, "customer");
  const collectionMethod = params.collection_method ?? "charge_automatically";
  assertDueDateFits(collectionMethod, params);
  const subscription = requireSubscriptionOf(request, params, customer.id);
  const defaultPaymentMethod = params.default_payment_method
    ? resolveCustomerPaymentMethod(
        account,
        customer.id,
        params.default_payment_method,
        "default_payment_method",
        request,
      ).id
    : null;
  const invoice = createOneOffInvoice(request, {
    customer,
    subscription,
    includePendingItems: params.pending_invoice_items_behavior === "include",
    currency: (params.currency ?? customer.currency ?? "usd").toLowerCase(),
    collectionMethod,
    daysUntilDue: params.days_until_due ?? null,
    dueDate: params.due_date ?? null,
    autoAdvance: params.auto_advance ?? params.automatically_finalizes_at !== undefined,
    automaticallyFinalizesAt: params.automatically_finalizes_at ?? null,
    fields: {
      description: params.description || null,
      footer: params.footer ?? customer.invoice_settings.footer,
      metadata: applyMetadata({}, params.metadata),
      default_payment_method: defaultPaymentMethod,
    },
  });
  return expandObject(account, invoice, params.expand);
}

export function deleteInvoice(request: ApiRequest) {
  parseParams(deleteSchema, request.params);
  return deleteDraftInvoice(request, request.pathParams.id ?? "");
}
