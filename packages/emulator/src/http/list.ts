import type Stripe from "stripe";
import type { Account, ObjectKind, ObjectTypes } from "../store.js";
import { resourceMissing } from "./errors.js";

export type ListParams = { limit?: number; starting_after?: string; ending_before?: string };

/**
 * Lists one collection newest first, as Stripe does. The cursor must be an object of the
 * listed kind; filters apply to the objects around it, not to the cursor itself.
 */
export function listObjects<K extends ObjectKind>(
  account: Account,
  kind: K,
  params: ListParams,
  url: string,
  matches: (object: ObjectTypes[K]) => boolean = () => true,
): Stripe.ApiList<ObjectTypes[K]> {
  const newestFirst = [...account.collections[kind].values()].reverse();
  const limit = params.limit ?? 10;
  const cursorIndex = (param: "starting_after" | "ending_before", id: string) => {
    const index = newestFirst.findIndex((object) => object.id === id);
    if (index < 0) throw resourceMissing(kind, id, param);
    return index;
  };

  if (params.ending_before) {
    const before = newestFirst.slice(0, cursorIndex("ending_before", params.ending_before));
    const candidates = before.filter(matches);
    return {
      object: "list",
      data: candidates.slice(-limit),
      has_more: candidates.length > limit,
      url,
    };
  }
  const start = params.starting_after
    ? cursorIndex("starting_after", params.starting_after) + 1
    : 0;
  const candidates: ObjectTypes[K][] = [];
  // Stop scanning once we know whether a next page exists.
  for (let i = start; i < newestFirst.length && candidates.length <= limit; i++) {
    const object = newestFirst[i];
    if (object !== undefined && matches(object)) candidates.push(object);
  }
  return {
    object: "list",
    data: candidates.slice(0, limit),
    has_more: candidates.length > limit,
    url,
  };
}

/** `created` filters: an exact second or a gt/gte/lt/lte range. */
export function matchesRange(
  value: number,
  filter: number | { gt?: number; gte?: number; lt?: number; lte?: number } | undefined,
): boolean {
  if (filter === undefined) return true;
  if (typeof filter === "number") return value === filter;
  return (
    (filter.gt === undefined || value > filter.gt) &&
    (filter.gte === undefined || value >= filter.gte) &&
    (filter.lt === undefined || value < filter.lt) &&
    (filter.lte === undefined || value <= filter.lte)
  );
}

/**
 * Pages a list that lives inside one object (invoice lines, checkout line items): same
 * cursor rules, oldest first as Stripe returns sub-lists.
 */
export function listArray<T extends { id: string }>(
  data: readonly T[],
  params: ListParams,
  url: string,
): { object: "list"; data: T[]; has_more: boolean; url: string } {
  const limit = params.limit ?? 10;
  const start = params.starting_after
    ? data.findIndex((entry) => entry.id === params.starting_after) + 1
    : 0;
  const end = params.ending_before
    ? data.findIndex((entry) => entry.id === params.ending_before)
    : data.length;
  const window = params.ending_before
    ? data.slice(Math.max(0, end - limit), Math.max(end, 0))
    : data.slice(start, start + limit);
  const hasMore = params.ending_before ? end - limit > 0 : start + limit < data.length;
  return { object: "list", data: window, has_more: hasMore, url };
}
