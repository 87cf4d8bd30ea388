import type Stripe from "stripe";
import { z } from "zod";
import { invalidRequest } from "../http/errors.js";
import { expandObject } from "../http/expand.js";
import { listObjects } from "../http/list.js";
import {
  emptyable,
  expandParam,
  formBoolean,
  formString,
  listParamShape,
  metadataParam,
  parseParams,
} from "../http/params.js";
import { type ApiRequest, defineRoute } from "../http/route.js";
import { generateId } from "../ids.js";
import { applyMetadata, assertValidUrl, emptyToNull, notEmulated } from "../resources/common.js";
import { requireObject } from "../resources/lookup.js";
import { type Account, saveObject } from "../store.js";
import type { Wire } from "../wire.js";
import { generateWebhookSecret } from "./signing.js";

export type WebhookEndpoint = Wire<Stripe.WebhookEndpoint>;

/** Stripe allows 16 endpoints per account and mode. */
const MAX_ENDPOINTS = 16;

const enabledEventsParam = () =>
  z.array(formString()).min(1, "enabled_events must name at least one event type");

const createSchema = z.strictObject({
  url: formString(),
  enabled_events: enabledEventsParam(),
  description: emptyable(z.string().max(5000)).optional(),
  metadata: metadataParam().optional(),
  api_version: formString().optional(),
  expand: expandParam(),
  // Connect endpoints receive events from connected accounts, which the emulator has none of.
  connect: notEmulated().optional(),
});

const updateSchema = z.strictObject({
  url: formString().optional(),
  enabled_events: enabledEventsParam().optional(),
  description: emptyable(z.string().max(5000)).optional(),
  metadata: metadataParam().optional(),
  disabled: formBoolean().optional(),
  expand: expandParam(),
});

const listSchema = z.strictObject(listParamShape);
const retrieveSchema = z.strictObject({ expand: expandParam() });

/** Whether an endpoint subscribes to an event type; only `*` is a wildcard for endpoints. */
export function acceptsEventType(endpoint: WebhookEndpoint, type: string): boolean {
  return endpoint.enabled_events.includes("*") || endpoint.enabled_events.includes(type);
}

/** Stripe shows the signing secret once, in the create response; reads leave it out. */
function hideSecret(endpoint: WebhookEndpoint): WebhookEndpoint {
  const { secret: _secret, ...visible } = endpoint;
  return visible;
}

/** Used by the API and by `--webhook-url`, which registers an endpoint at startup. */
export function insertWebhookEndpoint(
  account: Account,
  fields: {
    url: string;
    enabledEvents: string[];
    secret?: string;
    description?: string | null;
    metadata?: Stripe.Metadata;
    apiVersion?: string | null;
  },
): WebhookEndpoint {
  const endpoint = {
    id: generateId("we"),
    object: "webhook_endpoint",
    api_version: fields.apiVersion ?? null,
    application: null,
    created: account.clock.now(),
    description: fields.description ?? null,
    enabled_events: fields.enabledEvents,
    livemode: account.livemode,
    metadata: fields.metadata ?? {},
    secret: fields.secret ?? generateWebhookSecret(),
    status: "enabled",
    url: fields.url,
  } satisfies WebhookEndpoint;
  return saveObject(account, "webhook_endpoint", endpoint);
}

function createEndpoint(request: ApiRequest) {
  const params = parseParams(createSchema, request.params);
  assertValidUrl(params.url, "url");
  if (request.account.collections.webhook_endpoint.size >= MAX_ENDPOINTS) {
    throw invalidRequest(
      `You have reached the maximum of ${MAX_ENDPOINTS} test webhook endpoints.`,
    );
  }
  const endpoint = insertWebhookEndpoint(request.account, {
    url: params.url,
    enabledEvents: params.enabled_events,
    description: emptyToNull(params.description, null),
    metadata: applyMetadata(null, params.metadata),
    apiVersion: params.api_version ?? null,
  });
  return expandObject(request.account, endpoint, params.expand);
}

function retrieveEndpoint(request: ApiRequest) {
  const params = parseParams(retrieveSchema, request.params);
  const endpoint = requireObject(request.account, "webhook_endpoint", request.pathParams.id ?? "");
  return expandObject(request.account, hideSecret(endpoint), params.expand);
}

function updateEndpoint(request: ApiRequest) {
  const params = parseParams(updateSchema, request.params);
  const current = requireObject(request.account, "webhook_endpoint", request.pathParams.id ?? "");
  if (params.url !== undefined) assertValidUrl(params.url, "url");
  const updated: WebhookEndpoint = {
    ...current,
    url: params.url ?? current.url,
    enabled_events: params.enabled_events ?? current.enabled_events,
    description: emptyToNull(params.description, current.description),
    metadata: applyMetadata(current.metadata, params.metadata),
    status:
      params.disabled === undefined ? current.status : params.disabled ? "disabled" : "enabled",
  };
  saveObject(request.account, "webhook_endpoint", updated);
  return expandObject(request.account, hideSecret(updated), params.expand);
}

function deleteEndpoint(request: ApiRequest) {
  const id = request.pathParams.id ?? "";
  requireObject(request.account, "webhook_endpoint", id);
  // Stripe forgets a deleted endpoint entirely: later reads are 404s, not deleted stubs.
  request.account.collections.webhook_endpoint.delete(id);
  return { id, object: "webhook_endpoint", deleted: true } satisfies Stripe.DeletedWebhookEndpoint;
}

function listEndpoints(request: ApiRequest) {
  const params = parseParams(listSchema, request.params);
  const list = listObjects(request.account, "webhook_endpoint", params, "/v1/webhook_endpoints");
  return expandObject(request.account, { ...list, data: list.data.map(hideSecret) }, params.expand);
}

export const webhookEndpointRoutes = [
  defineRoute("POST", "/v1/webhook_endpoints", createEndpoint),
  defineRoute("GET", "/v1/webhook_endpoints", listEndpoints),
  defineRoute("GET", "/v1/webhook_endpoints/:id", retrieveEndpoint),
  defineRoute("POST", "/v1/webhook_endpoints/:id", updateEndpoint),
  defineRoute("DELETE", "/v1/webhook_endpoints/:id", deleteEndpoint),
];
