import type Stripe from "stripe";
import { z } from "zod";
import { diffAttributes, emitEvent } from "../events.js";
import { expandObject } from "../http/expand.js";
import { listObjects } from "../http/list.js";
import { expandParam, parseParams } from "../http/params.js";
import type { ApiHandler, ApiRequest } from "../http/route.js";
import { type ObjectKind, type ObjectTypes, saveObject } from "../store.js";
import { requireObject } from "./lookup.js";

/** The steps every resource shares; each resource keeps only what is particular to it. */

const retrieveSchema = z.strictObject({ expand: expandParam() });

/** `GET /v1/<resource>/:id`: only `expand` is accepted; unknown ids are 404s. */
export function createRetrieveHandler(kind: ObjectKind): ApiHandler {
  return (request) => {
    const params = parseParams(retrieveSchema, request.params);
    const object = requireObject(request.account, kind, request.pathParams.id ?? "");
    return expandObject(request.account, object, params.expand);
  };
}

/** Saves a changed object and records `<type>` with the changed fields' previous values. */
export function saveUpdate<K extends ObjectKind>(
  request: ApiRequest,
  kind: K,
  before: ObjectTypes[K],
  after: ObjectTypes[K],
  type: Stripe.Event.Type,
): ObjectTypes[K] {
  saveObject(request.account, kind, after);
  const previous = diffAttributes(before, after);
  // Stripe sends no `*.updated` event for a no-op update.
  if (previous) emitEvent(request.account, type, after, previous, request);
  return after;
}

type ListQuery = {
  limit?: number;
  starting_after?: string;
  ending_before?: string;
  expand?: string[];
};

/** `GET /v1/<resource>`: validated filters, cursor pagination and `expand[]=data.…`. */
export function createListHandler<K extends ObjectKind, S extends z.ZodType<ListQuery>>(
  kind: K,
  url: string,
  schema: S,
  buildFilter: (params: z.output<S>) => (object: ObjectTypes[K]) => boolean,
): ApiHandler {
  return (request) => {
    const params = parseParams(schema, request.params);
    const list = listObjects(request.account, kind, params, url, buildFilter(params));
    return expandObject(request.account, list, params.expand);
  };
}
