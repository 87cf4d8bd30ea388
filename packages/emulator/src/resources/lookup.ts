import type Stripe from "stripe";
import { resourceMissing } from "../http/errors.js";
import { type Account, findObject, type ObjectKind, type ObjectTypes } from "../store.js";
import type { Wire } from "../wire.js";

/**
 * Finds an object or throws Stripe's `resource_missing`: 404 when the id came from the URL,
 * 400 naming `param` when it came from the request parameters.
 */
export function requireObject<K extends ObjectKind>(
  account: Account,
  kind: K,
  id: string,
  param?: string,
): ObjectTypes[K] {
  const object = findObject(account, kind, id);
  if (!object) throw resourceMissing(kind, id, param);
  return object;
}

export function isDeleted<T extends object>(object: T): object is T & { deleted: true } {
  return "deleted" in object && object.deleted === true;
}

/** A customer usable in a request: deleted customers exist only as stubs for retrieval. */
export function requireLiveCustomer(
  account: Account,
  id: string,
  param?: string,
): Wire<Stripe.Customer> {
  const customer = requireObject(account, "customer", id, param);
  if (isDeleted(customer)) throw resourceMissing("customer", id, param);
  return customer;
}
