import { z } from "zod";
import {
  closeInvoice,
  finalizeInvoice,
  payInvoice,
  toActionRequiredError,
  toCardError,
} from "../billing/invoice-actions.js";
import type { Invoice } from "../billing/invoice-build.js";
import { finalizeOneOffInvoice } from "../billing/invoice-drafts.js";
import { resolveCustomerPaymentMethod } from "../billing/payment-method-tokens.js";
import { settleInvoiceSubscription } from "../billing/subscription-invoicing.js";
import { expandObject } from "../http/expand.js";
import { listArray, matchesRange } from "../http/list.js";
import {
  expandParam,
  formBoolean,
  formEnum,
  formString,
  listParamShape,
  parseParams,
  rangeFilter,
} from "../http/params.js";
import { type ApiRequest, defineRoute } from "../http/route.js";
import { notEmulated } from "./common.js";
import { createListHandler, createRetrieveHandler } from "./crud.js";
import { createInvoice, deleteInvoice } from "./invoice-create.js";
import { updateInvoice } from "./invoice-update.js";
import { requireObject } from "./lookup.js";

const INVOICE_STATUSES = ["draft", "open", "paid", "uncollectible", "void"] as const;

const listSchema = z.strictObject({
  ...listParamShape,
  collection_method: formEnum(["charge_automatically", "send_invoice"]).optional(),
  created: rangeFilter().optional(),
  customer: z.string().optional(),
  due_date: rangeFilter().optional(),
  status: formEnum(INVOICE_STATUSES).optional(),
  subscription: z.string().optional(),
  customer_account: notEmulated().optional(),
});
const expandOnly = z.strictObject({ expand: expandParam() });
const finalizeSchema = z.strictObject({
  auto_advance: formBoolean().optional(),
  expand: expandParam(),
});
const paySchema = z.strictObject({
  expand: expandParam(),
  forgive: formBoolean().optional(),
  off_session: formBoolean().optional(),
  paid_out_of_band: formBoolean().optional(),
  payment_method: formString().optional(),
  mandate: notEmulated().optional(),
  source: notEmulated().optional(),
});
const linesSchema = z.strictObject({ ...listParamShape });

function subscriptionIdOf(invoice: Invoice): string | null {
  const id = invoice.parent?.subscription_details?.subscription;
  return typeof id === "string" ? id : null;
}

const listInvoices = createListHandler("invoice", "/v1/invoices", listSchema, (params) => {
  return (invoice) =>
    (params.customer === undefined || invoice.customer === params.customer) &&
    (params.subscription === undefined || subscriptionIdOf(invoice) === params.subscription) &&
    (params.status === undefined || invoice.status === params.status) &&
    (params.collection_method === undefined ||
      invoice.collection_method === params.collection_method) &&
    matchesRange(invoice.created, params.created) &&
    (params.due_date === undefined ||
      (invoice.due_date !== null && matchesRange(invoice.due_date, params.due_date)));
});

function finalize(request: ApiRequest) {
  const params = parseParams(finalizeSchema, request.params);
  const id = request.pathParams.id ?? "";
  const { invoice } = finalizeOneOffInvoice(request, id, params.auto_advance);
  return expandObject(request.account, invoice, params.expand);
}

function pay(request: ApiRequest) {
  const params = parseParams(paySchema, request.params);
  const id = request.pathParams.id ?? "";
  const invoice = requireObject(request.account, "invoice", id);
  if (invoice.status === "draft") {
    finalizeInvoice(request, id);
  }
  const paymentMethod = params.payment_method
    ? resolveCustomerPaymentMethod(
        request.account,
        invoice.customer as string,
        params.payment_method,
        "payment_method",
        request,
      ).id
    : undefined;
  const result = payInvoice(request, id, {
    ...(paymentMethod ? { paymentMethod } : {}),
    outOfBand: params.paid_out_of_band ?? false,
  });
  settleInvoiceSubscription(request, result.invoice);
  if (result.decline) throw toCardError(result.decline);
  if (result.requiresAction) throw toActionRequiredError();
  return expandObject(request.account, result.invoice, params.expand);
}

function createCloseHandler(status: "void" | "uncollectible") {
  return (request: ApiRequest) => {
    const params = parseParams(expandOnly, request.params);
    const invoice = closeInvoice(request, request.pathParams.id ?? "", status);
    return expandObject(request.account, invoice, params.expand);
  };
}

function listLines(request: ApiRequest) {
  const params = parseParams(linesSchema, request.params);
  const invoice = requireObject(request.account, "invoice", request.pathParams.id ?? "");
  const page = listArray(invoice.lines.data, params, `/v1/invoices/${invoice.id}/lines`);
  return expandObject(request.account, page, params.expand);
}

export const invoiceRoutes = [
  defineRoute("POST", "/v1/invoices", createInvoice),
  defineRoute("GET", "/v1/invoices", listInvoices),
  defineRoute("GET", "/v1/invoices/:id", createRetrieveHandler("invoice")),
  defineRoute("POST", "/v1/invoices/:id", updateInvoice),
  defineRoute("DELETE", "/v1/invoices/:id", deleteInvoice),
  defineRoute("GET", "/v1/invoices/:id/lines", listLines),
  defineRoute("POST", "/v1/invoices/:id/finalize", finalize),
  defineRoute("POST", "/v1/invoices/:id/pay", pay),
  defineRoute("POST", "/v1/invoices/:id/void", createCloseHandler("void")),
  defineRoute("POST", "/v1/invoices/:id/mark_uncollectible", createCloseHandler("uncollectible")),
];
