import { z } from "zod";
import {
  attachPaymentMethod,
  createCardPaymentMethod,
  detachPaymentMethod,
  type PaymentMethod,
  updatePaymentMethodDetails,
} from "../billing/payment-methods.js";
import { invalidRequest } from "../http/errors.js";
import { expandObject } from "../http/expand.js";
import { listObjects } from "../http/list.js";
import {
  emptyable,
  expandParam,
  formEnum,
  formInteger,
  formString,
  listParamShape,
  metadataParam,
  parseParams,
} from "../http/params.js";
import { type ApiRequest, defineRoute } from "../http/route.js";
import { applyMetadata, notEmulated } from "./common.js";
import { createRetrieveHandler } from "./crud.js";
import { addressSchema, toAddress } from "./customers.js";
import { requireLiveCustomer, requireObject } from "./lookup.js";

const billingDetailsSchema = z.strictObject({
  address: notEmulated().optional(),
  email: emptyable(z.string()).optional(),
  name: emptyable(z.string()).optional(),
  phone: notEmulated().optional(),
  tax_id: notEmulated().optional(),
});

const expiryShape = {
  exp_month: formInteger({ min: 1, max: 12 }).optional(),
  exp_year: formInteger({ min: 2000 }).optional(),
};

const createSchema = z.strictObject({
  type: formEnum(["card"]),
  card: z.strictObject({
    ...expiryShape,
    token: formString().optional(),
    number: formString().optional(),
    cvc: z.string().optional(),
    networks: notEmulated().optional(),
  }),
  billing_details: billingDetailsSchema.extend({ address: addressSchema.optional() }).optional(),
  metadata: metadataParam().optional(),
  allow_redisplay: formEnum(["always", "limited", "unspecified"]).optional(),
  expand: expandParam(),
  customer: notEmulated().optional(),
  payment_method: notEmulated().optional(),
});

const updateSchema = z.strictObject({
  card: z.strictObject({ ...expiryShape, networks: notEmulated().optional() }).optional(),
  billing_details: billingDetailsSchema.optional(),
  metadata: metadataParam().optional(),
  allow_redisplay: notEmulated().optional(),
  expand: expandParam(),
});

const attachSchema = z.strictObject({
  customer: formString(),
  expand: expandParam(),
  customer_account: notEmulated().optional(),
});
const detachSchema = z.strictObject({ expand: expandParam() });

const listSchema = z.strictObject({
  ...listParamShape,
  customer: z.string().optional(),
  type: z.string().optional(),
  allow_redisplay: z.string().optional(),
  customer_account: notEmulated().optional(),
});

function expiryOf(card: { exp_month?: number; exp_year?: number } | undefined) {
  if (card?.exp_month === undefined || card.exp_year === undefined) return undefined;
  return { month: card.exp_month, year: card.exp_year };
}

function createPaymentMethod(request: ApiRequest) {
  const params = parseParams(createSchema, request.params);
  const numberOrToken = params.card.token ?? params.card.number;
  if (!numberOrToken) {
    throw invalidRequest(
      "Missing required param: card[number].",
      "card[number]",
      "parameter_missing",
    );
  }
  const expiry = expiryOf(params.card);
  const paymentMethod = createCardPaymentMethod(request.account, {
    numberOrToken,
    ...(expiry ? { expiry } : {}),
    billingDetails: {
      email: params.billing_details?.email || null,
      name: params.billing_details?.name || null,
      ...(params.billing_details?.address
        ? { address: toAddress(params.billing_details.address) }
        : {}),
    },
    metadata: applyMetadata({}, params.metadata),
  });
  return expandObject(request.account, paymentMethod, params.expand);
}

function updatePaymentMethod(request: ApiRequest) {
  const params = parseParams(updateSchema, request.params);
  const id = request.pathParams.id ?? "";
  const before = requireObject(request.account, "payment_method", id);
  const name = params.billing_details?.name;
  const expiry = params.card
    ? {
        month: params.card.exp_month ?? before.card?.exp_month ?? 12,
        year: params.card.exp_year ?? before.card?.exp_year ?? 2030,
      }
    : undefined;
  const after = updatePaymentMethodDetails(
    request.account,
    id,
    {
      ...(expiry ? { expiry } : {}),
      ...(params.metadata !== undefined
        ? { metadata: applyMetadata(before.metadata, params.metadata) }
        : {}),
      ...(name !== undefined ? { name: name || null } : {}),
    },
    request,
  );
  return expandObject(request.account, after, params.expand);
}

function attach(request: ApiRequest) {
  const params = parseParams(attachSchema, request.params);
  const attached = attachPaymentMethod(
    request.account,
    request.pathParams.id ?? "",
    params.customer,
    request,
  );
  return expandObject(request.account, attached, params.expand);
}

function detach(request: ApiRequest) {
  const params = parseParams(detachSchema, request.params);
  const detached = detachPaymentMethod(request.account, request.pathParams.id ?? "", request);
  return expandObject(request.account, detached, params.expand);
}

function matchesList(params: z.output<typeof listSchema>, customer: string | undefined) {
  return (paymentMethod: PaymentMethod) =>
    (customer === undefined || paymentMethod.customer === customer) &&
    (params.type === undefined || paymentMethod.type === params.type);
}

function listPaymentMethods(request: ApiRequest) {
  const params = parseParams(listSchema, request.params);
  const list = listObjects(
    request.account,
    "payment_method",
    params,
    "/v1/payment_methods",
    matchesList(params, params.customer),
  );
  return expandObject(request.account, list, params.expand);
}

function listCustomerPaymentMethods(request: ApiRequest) {
  const params = parseParams(listSchema.omit({ customer: true }), request.params);
  const customer = requireLiveCustomer(request.account, request.pathParams.id ?? "");
  const list = listObjects(
    request.account,
    "payment_method",
    params,
    `/v1/customers/${customer.id}/payment_methods`,
    matchesList(params, customer.id),
  );
  return expandObject(request.account, list, params.expand);
}

function retrieveCustomerPaymentMethod(request: ApiRequest) {
  const params = parseParams(detachSchema, request.params);
  const customer = requireLiveCustomer(request.account, request.pathParams.id ?? "");
  const id = request.pathParams.paymentMethod ?? "";
  const paymentMethod = requireObject(request.account, "payment_method", id);
  if (paymentMethod.customer !== customer.id) {
    throw invalidRequest(`No such PaymentMethod: '${id}'`, undefined, "resource_missing");
  }
  return expandObject(request.account, paymentMethod, params.expand);
}

export const paymentMethodRoutes = [
  defineRoute("POST", "/v1/payment_methods", createPaymentMethod),
  defineRoute("GET", "/v1/payment_methods", listPaymentMethods),
  defineRoute("GET", "/v1/payment_methods/:id", createRetrieveHandler("payment_method")),
  defineRoute("POST", "/v1/payment_methods/:id", updatePaymentMethod),
  defineRoute("POST", "/v1/payment_methods/:id/attach", attach),
  defineRoute("POST", "/v1/payment_methods/:id/detach", detach),
  defineRoute("GET", "/v1/customers/:id/payment_methods", listCustomerPaymentMethods),
  defineRoute(
    "GET",
    "/v1/customers/:id/payment_methods/:paymentMethod",
    retrieveCustomerPaymentMethod,
  ),
];
