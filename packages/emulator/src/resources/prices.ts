import type Stripe from "stripe";
import { z } from "zod";
import { emitEvent } from "../events.js";
import { invalidRequest } from "../http/errors.js";
import { expandObject } from "../http/expand.js";
import { matchesRange } from "../http/list.js";
import {
  emptyable,
  expandParam,
  formBoolean,
  formEnum,
  formInteger,
  formString,
  listParamShape,
  metadataParam,
  parseParams,
  rangeFilter,
} from "../http/params.js";
import { type ApiRequest, defineRoute } from "../http/route.js";
import { generateId } from "../ids.js";
import { type Account, saveObject } from "../store.js";
import type { Wire } from "../wire.js";
import { applyMetadata, emptyToNull, notEmulated } from "./common.js";
import { createListHandler, createRetrieveHandler, saveUpdate } from "./crud.js";
import { requireObject } from "./lookup.js";
import { insertProduct, productDataSchema } from "./products.js";

const INTERVALS = ["day", "week", "month", "year"] as const;

const createSchema = z.strictObject({
  currency: formString().transform((value) => value.toLowerCase()),
  active: formBoolean().optional(),
  billing_scheme: formEnum(["per_unit"]).optional(),
  expand: expandParam(),
  lookup_key: z.string().min(1).max(200).optional(),
  metadata: metadataParam().optional(),
  nickname: z.string().optional(),
  product: formString().optional(),
  product_data: productDataSchema.optional(),
  recurring: z
    .strictObject({
      interval: formEnum(INTERVALS),
      interval_count: formInteger({ min: 1 }).optional(),
      usage_type: formEnum(["licensed"]).optional(),
      trial_period_days: formInteger({ min: 0 }).optional(),
      meter: notEmulated().optional(),
    })
    .optional(),
  tax_behavior: formEnum(["exclusive", "inclusive", "unspecified"]).optional(),
  transfer_lookup_key: formBoolean().optional(),
  unit_amount: formInteger({ min: 0 }).optional(),
  unit_amount_decimal: z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .optional(),
  currency_options: notEmulated().optional(),
  custom_unit_amount: notEmulated().optional(),
  tiers: notEmulated().optional(),
  tiers_mode: notEmulated().optional(),
  transform_quantity: notEmulated().optional(),
});
const updateSchema = z.strictObject({
  active: formBoolean().optional(),
  expand: expandParam(),
  lookup_key: emptyable(z.string().max(200)).optional(),
  metadata: metadataParam().optional(),
  nickname: emptyable(z.string()).optional(),
  tax_behavior: formEnum(["exclusive", "inclusive", "unspecified"]).optional(),
  transfer_lookup_key: formBoolean().optional(),
  currency_options: notEmulated().optional(),
});
const listSchema = z.strictObject({
  ...listParamShape,
  active: formBoolean().optional(),
  created: rangeFilter().optional(),
  currency: z.string().optional(),
  lookup_keys: z.array(z.string()).optional(),
  product: z.string().optional(),
  recurring: z
    .strictObject({
      interval: formEnum(INTERVALS).optional(),
      usage_type: formEnum(["licensed", "metered"]).optional(),
      meter: z.string().optional(),
    })
    .optional(),
  type: formEnum(["one_time", "recurring"]).optional(),
});

/**
 * Lookup keys are unique per account and mode. Stripe refuses a taken key unless
 * `transfer_lookup_key` moves it, which updates the price that held it.
 */
function claimLookupKey(request: ApiRequest, key: string, transfer: boolean, ownerId?: string) {
  const { account } = request;
  for (const price of account.collections.price.values()) {
    if (price.lookup_key !== key || price.id === ownerId) continue;
    if (!transfer) {
      throw invalidRequest(`A price (\`${price.id}\`) already uses that lookup key.`, "lookup_key");
    }
    const released = saveObject(account, "price", { ...price, lookup_key: null });
    emitEvent(account, "price.updated", released, { lookup_key: key }, request);
  }
}

function resolveProductId(request: ApiRequest, params: z.output<typeof createSchema>): string {
  if (params.product && params.product_data) {
    throw invalidRequest(
      "You may only specify one of these parameters: product, product_data.",
      "product",
    );
  }
  if (params.product)
    return requireObject(request.account, "product", params.product, "product").id;
  if (params.product_data)
    return insertProduct(request, params.product_data, "product_data[id]").id;
  throw invalidRequest("Missing required param: product.", "product", "parameter_missing");
}

function unitAmountOf(params: z.output<typeof createSchema>): number {
  if (params.unit_amount !== undefined && params.unit_amount_decimal !== undefined) {
    throw invalidRequest(
      "You may only specify one of these parameters: unit_amount, unit_amount_decimal.",
      "unit_amount",
    );
  }
  if (params.unit_amount !== undefined) return params.unit_amount;
  if (params.unit_amount_decimal !== undefined)
    return Math.round(Number(params.unit_amount_decimal));
  throw invalidRequest("Missing required param: unit_amount.", "unit_amount", "parameter_missing");
}

function createPrice(request: ApiRequest) {
  const { account } = request;
  const params = parseParams(createSchema, request.params);
  const unitAmount = unitAmountOf(params);
  if (params.lookup_key)
    claimLookupKey(request, params.lookup_key, params.transfer_lookup_key ?? false);
  const product = resolveProductId(request, params);
  const recurring = params.recurring;
  const price = saveObject(account, "price", {
    id: generateId("price"),
    object: "price",
    active: params.active ?? true,
    billing_scheme: "per_unit",
    created: account.clock.now(),
    currency: params.currency,
    custom_unit_amount: null,
    livemode: account.livemode,
    lookup_key: params.lookup_key ?? null,
    metadata: applyMetadata({}, params.metadata),
    nickname: params.nickname || null,
    product,
    recurring: recurring
      ? {
          interval: recurring.interval,
          interval_count: recurring.interval_count ?? 1,
          meter: null,
          trial_period_days: recurring.trial_period_days ?? null,
          usage_type: "licensed",
        }
      : null,
    tax_behavior: params.tax_behavior ?? "unspecified",
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? "recurring" : "one_time",
    unit_amount: unitAmount,
    unit_amount_decimal: params.unit_amount_decimal ?? String(unitAmount),
  } satisfies Wire<Stripe.Price>);
  emitEvent(account, "price.created", price, undefined, request);
  return expandObject(account, price, params.expand);
}

function updatePrice(request: ApiRequest) {
  const { account } = request;
  const params = parseParams(updateSchema, request.params);
  const before = requireObject(account, "price", request.pathParams.id ?? "");
  if (params.lookup_key) {
    claimLookupKey(request, params.lookup_key, params.transfer_lookup_key ?? false, before.id);
  }
  const after = saveUpdate(
    request,
    "price",
    before,
    {
      ...before,
      active: params.active ?? before.active,
      lookup_key: emptyToNull(params.lookup_key, before.lookup_key),
      metadata: applyMetadata(before.metadata, params.metadata),
      nickname: emptyToNull(params.nickname, before.nickname),
      tax_behavior: params.tax_behavior ?? before.tax_behavior,
    },
    "price.updated",
  );
  return expandObject(account, after, params.expand);
}

function matchesPriceFilters(params: z.output<typeof listSchema>) {
  return (price: Wire<Stripe.Price>) =>
    (params.active === undefined || price.active === params.active) &&
    (params.currency === undefined || price.currency === params.currency.toLowerCase()) &&
    (params.lookup_keys === undefined ||
      (price.lookup_key !== null && params.lookup_keys.includes(price.lookup_key))) &&
    (params.product === undefined || price.product === params.product) &&
    (params.type === undefined || price.type === params.type) &&
    (params.recurring?.interval === undefined ||
      price.recurring?.interval === params.recurring.interval) &&
    (params.recurring?.usage_type === undefined ||
      price.recurring?.usage_type === params.recurring.usage_type) &&
    matchesRange(price.created, params.created);
}

const listPrices = createListHandler("price", "/v1/prices", listSchema, matchesPriceFilters);

/** A price usable for new subscription items: it must exist, be active and recur. */
function requireActivePrice(account: Account, id: string, param: string): Wire<Stripe.Price> {
  const price = requireObject(account, "price", id, param);
  if (!price.active) {
    throw invalidRequest(
      `The price specified is inactive. This field only accepts active prices.`,
      param,
    );
  }
  return price;
}

export function requireRecurringPrice(
  account: Account,
  id: string,
  param: string,
): Wire<Stripe.Price> {
  const price = requireActivePrice(account, id, param);
  if (price.type !== "recurring") {
    throw invalidRequest(
      `The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`,
      param,
    );
  }
  return price;
}

export const priceRoutes = [
  defineRoute("POST", "/v1/prices", createPrice),
  defineRoute("GET", "/v1/prices", listPrices),
  defineRoute("GET", "/v1/prices/:id", createRetrieveHandler("price")),
  defineRoute("POST", "/v1/prices/:id", updatePrice),
];

/** `mode=payment` Checkout charges once: Stripe refuses recurring prices there. */
export function requireOneTimePrice(
  account: Account,
  id: string,
  param: string,
): Wire<Stripe.Price> {
  const price = requireActivePrice(account, id, param);
  if (price.type !== "one_time") {
    throw invalidRequest(
      "You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.",
      param,
    );
  }
  return price;
}
