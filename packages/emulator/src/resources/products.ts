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
  formString,
  listParamShape,
  metadataParam,
  parseParams,
  rangeFilter,
} from "../http/params.js";
import { type ApiRequest, defineRoute } from "../http/route.js";
import { generateId } from "../ids.js";
import { type Account, findObject, saveObject } from "../store.js";
import type { Wire } from "../wire.js";
import { applyMetadata, emptyToNull, notEmulated } from "./common.js";
import { createListHandler, createRetrieveHandler, saveUpdate } from "./crud.js";
import { requireObject } from "./lookup.js";

const featuresParam = () => emptyable(z.array(z.strictObject({ name: formString() })));

const writableShape = {
  active: formBoolean().optional(),
  description: emptyable(z.string()).optional(),
  expand: expandParam(),
  images: emptyable(z.array(z.string())).optional(),
  marketing_features: featuresParam().optional(),
  metadata: metadataParam().optional(),
  shippable: formBoolean().optional(),
  statement_descriptor: emptyable(z.string().max(22)).optional(),
  tax_code: emptyable(z.string()).optional(),
  unit_label: emptyable(z.string()).optional(),
  url: emptyable(z.string()).optional(),
  package_dimensions: notEmulated().optional(),
  tax_details: notEmulated().optional(),
};

/** Also used by `prices.create` for its inline `product_data`. */
export const productDataSchema = z.strictObject({
  name: formString(),
  id: formString().optional(),
  active: formBoolean().optional(),
  metadata: metadataParam().optional(),
  statement_descriptor: z.string().max(22).optional(),
  tax_code: z.string().optional(),
  unit_label: z.string().optional(),
  tax_details: notEmulated().optional(),
});

const createSchema = z.strictObject({
  ...writableShape,
  name: formString(),
  id: formString().optional(),
  type: formEnum(["good", "service"]).optional(),
  default_price_data: notEmulated().optional(),
});
const updateSchema = z.strictObject({
  ...writableShape,
  name: formString().optional(),
  default_price: emptyable(z.string()).optional(),
});
const listSchema = z.strictObject({
  ...listParamShape,
  active: formBoolean().optional(),
  created: rangeFilter().optional(),
  ids: z.array(z.string()).optional(),
  shippable: formBoolean().optional(),
  type: formEnum(["good", "service"]).optional(),
  url: z.string().optional(),
});

type ProductChanges = z.output<typeof updateSchema>;

function applyProductChanges(product: Wire<Stripe.Product>, changes: ProductChanges, now: number) {
  return {
    ...product,
    active: changes.active ?? product.active,
    description: emptyToNull(changes.description, product.description),
    images: changes.images === "" ? [] : (changes.images ?? product.images),
    marketing_features:
      changes.marketing_features === ""
        ? []
        : (changes.marketing_features ?? product.marketing_features),
    metadata: applyMetadata(product.metadata, changes.metadata),
    name: changes.name ?? product.name,
    shippable: changes.shippable ?? product.shippable,
    statement_descriptor: emptyToNull(
      changes.statement_descriptor,
      product.statement_descriptor ?? null,
    ),
    tax_code: emptyToNull(changes.tax_code, (product.tax_code as string | null) ?? null),
    unit_label: emptyToNull(changes.unit_label, product.unit_label ?? null),
    url: emptyToNull(changes.url, product.url),
    updated: now,
  } satisfies Wire<Stripe.Product>;
}

/** Creates a product from `products.create` or a price's `product_data`. */
export function insertProduct(
  request: ApiRequest,
  params: z.output<typeof productDataSchema> & ProductChanges & { type?: "good" | "service" },
  idParam: string,
): Wire<Stripe.Product> {
  const { account } = request;
  if (params.id && findObject(account, "product", params.id)) {
    throw invalidRequest(`Product already exists.`, idParam, "resource_already_exists");
  }
  const now = account.clock.now();
  const blank = {
    id: params.id ?? generateId("prod"),
    object: "product",
    active: true,
    created: now,
    default_price: null,
    description: null,
    images: [],
    livemode: account.livemode,
    marketing_features: [],
    metadata: {},
    name: params.name ?? "",
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    tax_details: null,
    type: params.type ?? "service",
    unit_label: null,
    updated: now,
    url: null,
  } satisfies Wire<Stripe.Product>;
  const product = saveObject(account, "product", applyProductChanges(blank, params, now));
  emitEvent(account, "product.created", product, undefined, request);
  return product;
}

/** Keeps `default_price` pointing at a price of this product, as Stripe requires. */
function assertDefaultPrice(account: Account, product: Wire<Stripe.Product>, priceId: string) {
  const price = requireObject(account, "price", priceId, "default_price");
  if (price.product !== product.id) {
    throw invalidRequest(
      `The price \`${priceId}\` does not belong to product \`${product.id}\`.`,
      "default_price",
    );
  }
}

function createProduct(request: ApiRequest) {
  const params = parseParams(createSchema, request.params);
  return expandObject(request.account, insertProduct(request, params, "id"), params.expand);
}

function updateProduct(request: ApiRequest) {
  const { account } = request;
  const params = parseParams(updateSchema, request.params);
  const before = requireObject(account, "product", request.pathParams.id ?? "");
  if (params.default_price) assertDefaultPrice(account, before, params.default_price);
  const after = saveUpdate(
    request,
    "product",
    before,
    {
      ...applyProductChanges(before, params, account.clock.now()),
      default_price: emptyToNull(params.default_price, before.default_price ?? null),
    },
    "product.updated",
  );
  return expandObject(account, after, params.expand);
}

const listProducts = createListHandler("product", "/v1/products", listSchema, (params) => {
  return (product) =>
    (params.active === undefined || product.active === params.active) &&
    (params.ids === undefined || params.ids.includes(product.id)) &&
    (params.shippable === undefined || product.shippable === params.shippable) &&
    (params.type === undefined || product.type === params.type) &&
    (params.url === undefined || product.url === params.url) &&
    matchesRange(product.created, params.created);
});

export const productRoutes = [
  defineRoute("POST", "/v1/products", createProduct),
  defineRoute("GET", "/v1/products", listProducts),
  defineRoute("GET", "/v1/products/:id", createRetrieveHandler("product")),
  defineRoute("POST", "/v1/products/:id", updateProduct),
];
