import { z } from "zod";
import type { Invoice } from "../billing/invoice-build.js";
import { AUTO_ADVANCE_DELAY_SECONDS } from "../billing/invoice-drafts.js";
import { resolveCustomerPaymentMethod } from "../billing/payment-method-tokens.js";
import { invalidRequest } from "../http/errors.js";
import { expandObject } from "../http/expand.js";
import {
  emptyable,
  expandParam,
  formBoolean,
  formEnum,
  formInteger,
  formString,
  metadataParam,
  parseParams,
} from "../http/params.js";
import type { ApiRequest } from "../http/route.js";
import { applyMetadata, emptyToNull } from "./common.js";
import { saveUpdate } from "./crud.js";
import { assertDueDateFits } from "./invoice-create.js";
import { requireObject } from "./lookup.js";

const updateSchema = z.strictObject({
  auto_advance: formBoolean().optional(),
  automatically_finalizes_at: formInteger().optional(),
  collection_method: formEnum(["charge_automatically", "send_invoice"]).optional(),
  days_until_due: formInteger({ min: 0 }).optional(),
  default_payment_method: emptyable(formString()).optional(),
  description: emptyable(z.string()).optional(),
  due_date: formInteger().optional(),
  footer: emptyable(z.string()).optional(),
  metadata: metadataParam().optional(),
  expand: expandParam(),
});

type UpdateParams = z.output<typeof updateSchema>;

/** What only a draft may change: once finalized, how it is collected is fixed. */
const DRAFT_ONLY = [
  "automatically_finalizes_at",
  "collection_method",
  "days_until_due",
  "due_date",
] as const;

function assertEditable(before: Invoice, params: UpdateParams): void {
  if (before.status === "draft") return;
  const param = DRAFT_ONLY.find((name) => params[name] !== undefined);
  if (!param) return;
  throw invalidRequest(
    `You can only update \`${param}\` on a draft invoice; this invoice is ${before.status}.`,
    param,
    "invoice_not_editable",
  );
}

/** A draft's collection settings after the update, with Stripe's due-date rules. */
function collectionChanges(before: Invoice, params: UpdateParams): Partial<Invoice> {
  if (before.status !== "draft") return {};
  const method = params.collection_method ?? before.collection_method;
  assertDueDateFits(method, params);
  const { created } = before;
  const dueDate =
    params.due_date ??
    (params.days_until_due === undefined ? null : created + params.days_until_due * 86_400);
  const autoAdvance = params.auto_advance ?? before.auto_advance ?? false;
  return {
    collection_method: method,
    due_date:
      method === "send_invoice" ? (dueDate ?? before.due_date ?? created + 30 * 86_400) : null,
    automatically_finalizes_at: autoAdvance
      ? (params.automatically_finalizes_at ??
        before.automatically_finalizes_at ??
        created + AUTO_ADVANCE_DELAY_SECONDS)
      : null,
  };
}

function paymentMethodOf(request: ApiRequest, before: Invoice, value: string | undefined) {
  if (value === undefined) return before.default_payment_method;
  if (value === "") return null;
  const customerId = before.customer as string;
  return resolveCustomerPaymentMethod(
    request.account,
    customerId,
    value,
    "default_payment_method",
    request,
  ).id;
}

export function updateInvoice(request: ApiRequest) {
  const params = parseParams(updateSchema, request.params);
  const before = requireObject(request.account, "invoice", request.pathParams.id ?? "");
  assertEditable(before, params);
  const after: Invoice = {
    ...before,
    ...collectionChanges(before, params),
    auto_advance: params.auto_advance ?? before.auto_advance,
    default_payment_method: paymentMethodOf(request, before, params.default_payment_method),
    description: emptyToNull(params.description, before.description),
    footer: emptyToNull(params.footer, before.footer),
    metadata: applyMetadata(before.metadata, params.metadata),
  };
  saveUpdate(request, "invoice", before, after, "invoice.updated");
  return expandObject(request.account, after, params.expand);
}
