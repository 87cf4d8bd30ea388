import { z } from "zod";
import { matchesRange } from "../http/list.js";
import { listParamShape, rangeFilter } from "../http/params.js";
import { defineRoute } from "../http/route.js";
import { createListHandler, createRetrieveHandler } from "./crud.js";

const listSchema = z.strictObject({
  ...listParamShape,
  created: rangeFilter().optional(),
  delivery_success: z.string().optional(),
  type: z.string().optional(),
  types: z.array(z.string()).optional(),
});

/** Stripe's `type` filter accepts a trailing `*` wildcard (`customer.subscription.*`). */
function matchesType(type: string, pattern: string): boolean {
  return pattern.endsWith("*") ? type.startsWith(pattern.slice(0, -1)) : type === pattern;
}

const listEvents = createListHandler("event", "/v1/events", listSchema, (params) => {
  return (event) =>
    (params.type === undefined || matchesType(event.type, params.type)) &&
    (params.types === undefined || params.types.includes(event.type)) &&
    matchesRange(event.created, params.created);
});

export const eventRoutes = [
  defineRoute("GET", "/v1/events", listEvents),
  defineRoute("GET", "/v1/events/:id", createRetrieveHandler("event")),
];
