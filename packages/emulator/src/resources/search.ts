import type Stripe from "stripe";
import { z } from "zod";
import { invalidRequest } from "../http/errors.js";
import { expandObject } from "../http/expand.js";
import { expandParam, formInteger, formString, parseParams } from "../http/params.js";
import type { ApiHandler } from "../http/route.js";
import { type Clause, parseSearchQuery, unparsableQuery } from "../http/search-query.js";
import type { ObjectKind, ObjectTypes } from "../store.js";

/** The fields one resource can be searched by, each read from a stored object. */
export type SearchFields<T> = Record<string, (object: T) => string | number | null>;

const searchSchema = z.strictObject({
  query: formString(),
  limit: formInteger({ min: 1, max: 100 }).optional(),
  page: formString().optional(),
  expand: expandParam(),
});

/** Page tokens are opaque to clients, as Stripe's are; inside they hold an offset. */
function encodePage(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString("base64url");
}

function decodePage(page: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(page, "base64url").toString()) as {
      offset: unknown;
    };
    if (typeof offset === "number" && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through to Stripe's error
  }
  throw invalidRequest("Invalid page token.", "page");
}

function compare(clause: Clause, actual: string | number | null): boolean {
  const { operator, value } = clause;
  if (value === null) return operator === ":" && (actual === null || actual === "");
  if (actual === null) return false;
  if (operator === ":") return String(actual).toLowerCase() === String(value).toLowerCase();
  if (operator === "~") {
    // Stripe requires at least three characters for a substring match.
    if (typeof value !== "string" || value.length < 3) throw unparsableQuery();
    return String(actual).toLowerCase().includes(value.toLowerCase());
  }
  if (typeof value !== "number" || typeof actual !== "number") throw unparsableQuery();
  if (operator === ">") return actual > value;
  if (operator === "<") return actual < value;
  if (operator === ">=") return actual >= value;
  return actual <= value;
}

function buildMatcher<T extends { metadata?: Stripe.Metadata | null }>(
  resource: string,
  fields: SearchFields<T>,
  query: string,
): (object: T) => boolean {
  const { join, clauses } = parseSearchQuery(query);
  const tests = clauses.map((clause) => {
    const read =
      clause.field === "metadata"
        ? (object: T) => object.metadata?.[clause.key ?? ""] ?? null
        : fields[clause.field];
    if (!read) {
      throw invalidRequest(
        `Field \`${clause.field}\` is an unsupported search field for resource \`${resource}\`. See https://stripe.com/docs/search#query-fields-for-${resource} for a list of supported fields.`,
        "query",
      );
    }
    return (object: T) => compare(clause, read(object)) !== clause.negated;
  });
  return join === "AND"
    ? (object) => tests.every((test) => test(object))
    : (object) => tests.some((test) => test(object));
}

/**
 * `GET /v1/<resource>/search`: newest first, like the lists, in Stripe's `search_result`
 * shape with `next_page` tokens; `expand[]=total_count` adds the number of matches.
 */
export function createSearchHandler<K extends ObjectKind>(
  kind: K,
  resource: string,
  fields: SearchFields<ObjectTypes[K]>,
  searchable: (object: ObjectTypes[K]) => boolean = () => true,
): ApiHandler {
  return (request) => {
    const params = parseParams(searchSchema, request.params);
    const matches = buildMatcher(
      resource,
      fields as SearchFields<ObjectTypes[K] & { metadata?: Stripe.Metadata | null }>,
      params.query,
    );
    const found = [...request.account.collections[kind].values()]
      .reverse()
      .filter((object) => searchable(object) && matches(object));
    const offset = params.page ? decodePage(params.page) : 0;
    const limit = params.limit ?? 10;
    const hasMore = offset + limit < found.length;
    const wantsTotal = params.expand?.includes("total_count") ?? false;
    const result: Stripe.ApiSearchResult<ObjectTypes[K]> = {
      object: "search_result",
      data: found.slice(offset, offset + limit),
      has_more: hasMore,
      next_page: hasMore ? encodePage(offset + limit) : null,
      url: `/v1/${resource}/search`,
      ...(wantsTotal ? { total_count: found.length } : {}),
    };
    const paths = params.expand?.filter((path) => path !== "total_count");
    return expandObject(request.account, result, paths);
  };
}
