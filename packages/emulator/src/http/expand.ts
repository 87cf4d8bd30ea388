import { type Account, findObject, type ObjectKind } from "../store.js";
import { invalidRequest } from "./errors.js";

/** Which collection an id belongs to, by its prefix. Later resources add theirs here. */
const KIND_BY_PREFIX: Record<string, ObjectKind> = {
  cus: "customer",
  prod: "product",
  price: "price",
  sub: "subscription",
  pm: "payment_method",
  in: "invoice",
  ii: "invoiceitem",
  seti: "setup_intent",
  pi: "payment_intent",
  cs: "checkout.session",
  bpc: "billing_portal.configuration",
  bps: "billing_portal.session",
  evt: "event",
};

const MAX_DEPTH = 4;

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function resolveId(account: Account, id: string): Json | undefined {
  const kind = KIND_BY_PREFIX[id.slice(0, id.indexOf("_"))];
  return kind ? (findObject(account, kind, id) as Json | undefined) : undefined;
}

/**
 * Follows one dotted expand path, replacing ids with their objects. Copies every object on
 * the way so stored objects are never mutated by a response.
 */
function expandPath(account: Account, value: unknown, segments: string[], path: string): unknown {
  const [segment, ...rest] = segments;
  if (segment === undefined) return value;
  if (Array.isArray(value)) return value.map((entry) => expandPath(account, entry, segments, path));
  if (!isRecord(value) || !(segment in value)) {
    throw invalidRequest(`This property cannot be expanded (${path}).`, "expand");
  }
  let child = value[segment];
  if (typeof child === "string") {
    const resolved = resolveId(account, child);
    if (!resolved) throw invalidRequest(`This property cannot be expanded (${path}).`, "expand");
    child = resolved;
  }
  if (child === null) return value;
  return { ...value, [segment]: expandPath(account, child, rest, path) };
}

/** Applies `expand[]` paths such as `customer`, `data.customer` or `items.data.price.product`. */
export function expandObject<T>(
  account: Account,
  object: T,
  paths: readonly string[] | undefined,
): T {
  if (!paths?.length) return object;
  let result: unknown = object;
  for (const path of paths) {
    const segments = path.split(".");
    if (segments.length > MAX_DEPTH + 1) {
      throw invalidRequest(
        `You cannot expand more than ${MAX_DEPTH} levels of a property. Property: ${path}`,
        "expand",
      );
    }
    result = expandPath(account, result, segments, path);
  }
  return result as T;
}
