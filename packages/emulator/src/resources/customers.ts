import type Stripe from "stripe";
import { z } from "zod";
import { resolveCustomerPaymentMethod } from "../billing/payment-method-tokens.js";
import {
  attachPaymentMethod,
  requireAttachedPaymentMethod,
  resolvePaymentMethod,
} from "../billing/payment-methods.js";
import { isCardToken } from "../billing/test-cards.js";
import { requireTestClock, runOnTestClock } from "../billing/test-clock-time.js";
import { emitEvent } from "../events.js";
import { expandObject } from "../http/expand.js";
import { matchesRange } from "../http/list.js";
import {
  emptyable,
  expandParam,
  formEnum,
  formInteger,
  formString,
  listParamShape,
  metadataParam,
  parseParams,
  rangeFilter,
} from "../http/params.js";
import { type ApiRequest, defineRoute } from "../http/route.js";
import { generateId, generateRandomString } from "../ids.js";
import { saveObject } from "../store.js";
import type { Wire } from "../wire.js";
import { applyMetadata, emptyToNull, notEmulated } from "./common.js";
import { createListHandler, createRetrieveHandler, saveUpdate } from "./crud.js";
import { isDeleted, requireLiveCustomer } from "./lookup.js";

export const addressSchema = z.strictObject({
  city: z.string().optional(),
  country: z.string().optional(),
  line1: z.string().optional(),
  line2: z.string().optional(),
  postal_code: z.string().optional(),
  state: z.string().optional(),
});

const shippingSchema = z.strictObject({
  address: addressSchema,
  name: formString(),
  phone: z.string().optional(),
});

const writableShape = {
  address: emptyable(addressSchema).optional(),
  balance: formInteger().optional(),
  business_name: notEmulated().optional(),
  description: emptyable(z.string()).optional(),
  email: emptyable(z.string()).optional(),
  expand: expandParam(),
  individual_name: notEmulated().optional(),
  invoice_prefix: formString().optional(),
  invoice_settings: z
    .strictObject({
      custom_fields: notEmulated().optional(),
      default_payment_method: z.string().optional(),
      footer: z.string().optional(),
      rendering_options: notEmulated().optional(),
    })
    .optional(),
  metadata: metadataParam().optional(),
  name: emptyable(z.string()).optional(),
  next_invoice_sequence: formInteger({ min: 1 }).optional(),
  phone: emptyable(z.string()).optional(),
  preferred_locales: z.array(z.string()).optional(),
  shipping: emptyable(shippingSchema).optional(),
  tax_exempt: emptyable(formEnum(["exempt", "none", "reverse"])).optional(),
  cash_balance: notEmulated().optional(),
  source: notEmulated().optional(),
  tax: notEmulated().optional(),
  validate: notEmulated().optional(),
};

const createSchema = z.strictObject({
  ...writableShape,
  payment_method: z.string().optional(),
  tax_id_data: notEmulated().optional(),
  test_clock: formString().optional(),
});
const updateSchema = z.strictObject({ ...writableShape, default_source: notEmulated().optional() });
const listSchema = z.strictObject({
  ...listParamShape,
  created: rangeFilter().optional(),
  email: z.string().optional(),
  test_clock: formString().optional(),
});

type CustomerChanges = z.output<typeof updateSchema>;
type CreateParams = z.output<typeof createSchema>;

export function toAddress(address: z.output<typeof addressSchema>): Stripe.Address {
  return {
    city: address.city ?? null,
    country: address.country ?? null,
    line1: address.line1 ?? null,
    line2: address.line2 ?? null,
    postal_code: address.postal_code ?? null,
    state: address.state ?? null,
  };
}

function toShipping(shipping: z.output<typeof shippingSchema>): Stripe.Customer.Shipping {
  return {
    address: toAddress(shipping.address),
    name: shipping.name,
    phone: shipping.phone ?? null,
  };
}

function applyCustomerChanges(
  customer: Wire<Stripe.Customer>,
  changes: CustomerChanges,
): Wire<Stripe.Customer> {
  const invoiceSettings = changes.invoice_settings;
  return {
    ...customer,
    address:
      changes.address === undefined
        ? customer.address
        : changes.address === ""
          ? null
          : toAddress(changes.address),
    balance: changes.balance ?? customer.balance,
    description: emptyToNull(changes.description, customer.description),
    email: emptyToNull(changes.email, customer.email),
    invoice_prefix: changes.invoice_prefix ?? customer.invoice_prefix ?? null,
    invoice_settings: {
      ...customer.invoice_settings,
      default_payment_method:
        invoiceSettings?.default_payment_method === undefined
          ? customer.invoice_settings.default_payment_method
          : emptyToNull(invoiceSettings.default_payment_method, null),
      footer: emptyToNull(invoiceSettings?.footer, customer.invoice_settings.footer),
    },
    metadata: applyMetadata(customer.metadata, changes.metadata),
    name: emptyToNull(changes.name, customer.name ?? null),
    next_invoice_sequence: changes.next_invoice_sequence ?? customer.next_invoice_sequence ?? 1,
    phone: emptyToNull(changes.phone, customer.phone ?? null),
    preferred_locales: changes.preferred_locales ?? customer.preferred_locales ?? [],
    shipping:
      changes.shipping === undefined
        ? customer.shipping
        : changes.shipping === ""
          ? null
          : toShipping(changes.shipping),
    tax_exempt:
      changes.tax_exempt === "" ? "none" : (changes.tax_exempt ?? customer.tax_exempt ?? "none"),
  };
}

function buildCustomer(request: ApiRequest): Wire<Stripe.Customer> {
  const { account } = request;
  const blank = {
    id: generateId("cus"),
    object: "customer",
    address: null,
    balance: 0,
    created: account.clock.now(),
    currency: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: null,
    invoice_prefix: generateRandomString(8).toUpperCase(),
    invoice_settings: {
      custom_fields: null,
      default_payment_method: null,
      footer: null,
      rendering_options: null,
    },
    livemode: account.livemode,
    metadata: {},
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    test_clock: null,
  } satisfies Wire<Stripe.Customer>;
  return blank;
}

/**
 * Resolves `payment_method` and `invoice_settings[default_payment_method]` before anything is
 * saved. Test tokens become fresh cards; the same token in both names one card, as in
 * Stripe's quickstart call. Returns the ids to attach once the customer exists.
 */
function resolveCreatePaymentMethods(request: ApiRequest, params: CreateParams) {
  const { account } = request;
  const requested = params.invoice_settings?.default_payment_method;
  const param = "invoice_settings[default_payment_method]";
  const separateDefault = requested && requested !== params.payment_method;
  // A real id cannot be attached to a customer that does not exist yet; Stripe refuses it.
  if (separateDefault && !isCardToken(requested)) {
    requireAttachedPaymentMethod(account, "", requested, param);
  }
  const attach: string[] = [];
  if (params.payment_method) {
    attach.push(resolvePaymentMethod(account, params.payment_method, "payment_method").id);
  }
  if (!requested) return { attach, defaultId: requested };
  if (!separateDefault) return { attach, defaultId: attach[0] };
  const created = resolvePaymentMethod(account, requested, param);
  attach.push(created.id);
  return { attach, defaultId: created.id };
}

/** `POST /v1/customers`; hosted checkout creates its customers through it too. */
export function createCustomer(request: ApiRequest) {
  const { account } = request;
  const params = parseParams(createSchema, request.params);
  const testClock = params.test_clock
    ? requireTestClock(account, params.test_clock, "test_clock").id
    : null;
  // A customer on a test clock is created at the clock's frozen time.
  return runOnTestClock(account, testClock, () => insertCustomer(request, params, testClock));
}

function insertCustomer(request: ApiRequest, params: CreateParams, testClock: string | null) {
  const { account } = request;
  const { attach, defaultId } = resolveCreatePaymentMethods(request, params);
  const changes: CreateParams = defaultId
    ? {
        ...params,
        invoice_settings: { ...params.invoice_settings, default_payment_method: defaultId },
      }
    : params;
  const customer = saveObject(account, "customer", {
    ...applyCustomerChanges(buildCustomer(request), changes),
    test_clock: testClock,
  });
  emitEvent(account, "customer.created", customer, undefined, request);
  for (const id of attach) attachPaymentMethod(account, id, customer.id, request);
  return expandObject(account, customer, params.expand);
}

/** `POST /v1/customers/:id`; the hosted portal saves billing details through it too. */
export function updateCustomer(request: ApiRequest) {
  const { account } = request;
  const params = parseParams(updateSchema, request.params);
  const before = requireLiveCustomer(account, request.pathParams.id ?? "");
  const requested = params.invoice_settings?.default_payment_method;
  const changes: CustomerChanges = requested
    ? {
        ...params,
        invoice_settings: {
          ...params.invoice_settings,
          default_payment_method: resolveCustomerPaymentMethod(
            account,
            before.id,
            requested,
            "invoice_settings[default_payment_method]",
            request,
          ).id,
        },
      }
    : params;
  const after = applyCustomerChanges(before, changes);
  saveUpdate(request, "customer", before, after, "customer.updated");
  return expandObject(account, after, params.expand);
}

function deleteCustomer(request: ApiRequest) {
  const { account } = request;
  const customer = requireLiveCustomer(account, request.pathParams.id ?? "");
  const stub = {
    id: customer.id,
    object: "customer",
    deleted: true,
  } satisfies Stripe.DeletedCustomer;
  saveObject(account, "customer", stub);
  emitEvent(account, "customer.deleted", customer, undefined, request);
  return stub;
}

const listCustomers = createListHandler("customer", "/v1/customers", listSchema, (params) => {
  return (customer) =>
    !isDeleted(customer) &&
    (params.email === undefined || customer.email === params.email) &&
    (params.test_clock === undefined || customer.test_clock === params.test_clock) &&
    matchesRange(customer.created, params.created);
});

export const customerRoutes = [
  defineRoute("POST", "/v1/customers", createCustomer),
  defineRoute("GET", "/v1/customers", listCustomers),
  // Stripe keeps answering with the deleted stub after a delete.
  defineRoute("GET", "/v1/customers/:id", createRetrieveHandler("customer")),
  defineRoute("POST", "/v1/customers/:id", updateCustomer),
  defineRoute("DELETE", "/v1/customers/:id", deleteCustomer),
];
