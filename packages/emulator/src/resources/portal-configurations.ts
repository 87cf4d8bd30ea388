import type Stripe from "stripe";
import { z } from "zod";
import { type EventOrigin, emitEvent } from "../events.js";
import { invalidRequest } from "../http/errors.js";
import { expandObject } from "../http/expand.js";
import {
  emptyable,
  expandParam,
  formBoolean,
  listParamShape,
  metadataParam,
  parseParams,
} from "../http/params.js";
import { type ApiRequest, defineRoute } from "../http/route.js";
import { generateId, generateRandomString } from "../ids.js";
import { type Account, saveObject } from "../store.js";
import type { Wire } from "../wire.js";
import { applyMetadata, assertValidUrl, emptyToNull } from "./common.js";
import { createListHandler, createRetrieveHandler, saveUpdate } from "./crud.js";
import { requireObject } from "./lookup.js";
import {
  assertValidFeatures,
  createDisabledFeatures,
  createFeaturesSchema,
  mergeFeatures,
  type PortalFeatures,
  updateFeaturesSchema,
} from "./portal-features.js";

type Configuration = Wire<Stripe.BillingPortal.Configuration>;

const sharedShape = {
  default_return_url: emptyable(z.string()).optional(),
  expand: expandParam(),
  login_page: z.strictObject({ enabled: formBoolean() }).optional(),
  metadata: metadataParam().optional(),
  name: emptyable(z.string()).optional(),
};
const createSchema = z.strictObject({
  ...sharedShape,
  features: createFeaturesSchema,
  business_profile: z
    .strictObject({
      headline: emptyable(z.string()).optional(),
      privacy_policy_url: z.string().optional(),
      terms_of_service_url: z.string().optional(),
    })
    .optional(),
});
const updateSchema = z.strictObject({
  ...sharedShape,
  active: formBoolean().optional(),
  features: updateFeaturesSchema.optional(),
  business_profile: z
    .strictObject({
      headline: emptyable(z.string()).optional(),
      privacy_policy_url: emptyable(z.string()).optional(),
      terms_of_service_url: emptyable(z.string()).optional(),
    })
    .optional(),
});
const listSchema = z.strictObject({
  ...listParamShape,
  active: formBoolean().optional(),
  is_default: formBoolean().optional(),
});

type ConfigurationChanges = z.output<typeof updateSchema>;

function loginPageUrl(origin: string): string {
  return `${origin}/p/login/${generateRandomString(24)}`;
}

function applyConfigurationChanges(
  configuration: Configuration,
  changes: ConfigurationChanges,
  context: { account: Account; origin: string },
): Configuration {
  const profile = changes.business_profile;
  for (const [param, url] of [
    ["default_return_url", changes.default_return_url],
    ["business_profile[privacy_policy_url]", profile?.privacy_policy_url],
    ["business_profile[terms_of_service_url]", profile?.terms_of_service_url],
  ] as const) {
    if (url) assertValidUrl(url, param);
  }
  const features = changes.features
    ? mergeFeatures(configuration.features, changes.features)
    : configuration.features;
  assertValidFeatures(context.account, features);
  const loginEnabled = changes.login_page?.enabled ?? configuration.login_page.enabled;
  return {
    ...configuration,
    active: changes.active ?? configuration.active,
    business_profile: {
      headline: emptyToNull(profile?.headline, configuration.business_profile.headline),
      privacy_policy_url: emptyToNull(
        profile?.privacy_policy_url,
        configuration.business_profile.privacy_policy_url,
      ),
      terms_of_service_url: emptyToNull(
        profile?.terms_of_service_url,
        configuration.business_profile.terms_of_service_url,
      ),
    },
    default_return_url: emptyToNull(changes.default_return_url, configuration.default_return_url),
    features,
    login_page: {
      enabled: loginEnabled,
      url: loginEnabled ? (configuration.login_page.url ?? loginPageUrl(context.origin)) : null,
    },
    metadata: applyMetadata(configuration.metadata, changes.metadata),
    name: emptyToNull(changes.name, configuration.name),
    updated: context.account.clock.now(),
  };
}

/**
 * Saves a new configuration. Stripe gives API-created configurations `is_default: false`;
 * only the Dashboard's saved settings are the default (see `markDefaultPortalConfiguration`).
 */
export function insertPortalConfiguration(
  context: { account: Account; origin: string } & Partial<EventOrigin>,
  changes: ConfigurationChanges,
  baseFeatures: PortalFeatures = createDisabledFeatures(),
): Configuration {
  const { account } = context;
  const now = account.clock.now();
  const blank = {
    id: generateId("bpc"),
    object: "billing_portal.configuration",
    active: true,
    application: null,
    business_profile: { headline: null, privacy_policy_url: null, terms_of_service_url: null },
    created: now,
    default_return_url: null,
    features: baseFeatures,
    is_default: false,
    livemode: account.livemode,
    login_page: { enabled: false, url: null },
    metadata: {},
    name: null,
    updated: now,
  } satisfies Configuration;
  const configuration = saveObject(
    account,
    "billing_portal.configuration",
    applyConfigurationChanges(blank, changes, context),
  );
  emitEvent(account, "billing_portal.configuration.created", configuration, undefined, {
    requestId: context.requestId ?? null,
    idempotencyKey: context.idempotencyKey ?? null,
  });
  return configuration;
}

/** What "saving the settings in the Dashboard" does: one default per account and mode. */
export function markDefaultPortalConfiguration(account: Account, id: string): Configuration {
  const chosen = requireObject(account, "billing_portal.configuration", id, "configuration");
  if (!chosen.active) {
    throw invalidRequest("An inactive configuration cannot be the default.", "configuration");
  }
  const previousId = account.defaultPortalConfiguration;
  const previous = previousId
    ? requireObject(account, "billing_portal.configuration", previousId)
    : undefined;
  if (previous && previous.id !== id) {
    const demoted = saveObject(account, "billing_portal.configuration", {
      ...previous,
      is_default: false,
    });
    emitEvent(account, "billing_portal.configuration.updated", demoted, { is_default: true });
  }
  account.defaultPortalConfiguration = id;
  if (chosen.is_default) return chosen;
  const promoted = saveObject(account, "billing_portal.configuration", {
    ...chosen,
    is_default: true,
  });
  emitEvent(account, "billing_portal.configuration.updated", promoted, { is_default: false });
  return promoted;
}

function createConfiguration(request: ApiRequest) {
  const params = parseParams(createSchema, request.params);
  return expandObject(request.account, insertPortalConfiguration(request, params), params.expand);
}

function updateConfiguration(request: ApiRequest) {
  const { account } = request;
  const params = parseParams(updateSchema, request.params);
  const before = requireObject(
    account,
    "billing_portal.configuration",
    request.pathParams.id ?? "",
  );
  if (params.active === false && before.is_default) {
    throw invalidRequest("You cannot deactivate the default configuration.", "active");
  }
  const after = applyConfigurationChanges(before, params, request);
  saveUpdate(
    request,
    "billing_portal.configuration",
    before,
    after,
    "billing_portal.configuration.updated",
  );
  return expandObject(account, after, params.expand);
}

const listConfigurations = createListHandler(
  "billing_portal.configuration",
  "/v1/billing_portal/configurations",
  listSchema,
  (params) => {
    return (configuration) =>
      (params.active === undefined || configuration.active === params.active) &&
      (params.is_default === undefined || configuration.is_default === params.is_default);
  },
);

export const portalConfigurationRoutes = [
  defineRoute("POST", "/v1/billing_portal/configurations", createConfiguration),
  defineRoute("GET", "/v1/billing_portal/configurations", listConfigurations),
  defineRoute(
    "GET",
    "/v1/billing_portal/configurations/:id",
    createRetrieveHandler("billing_portal.configuration"),
  ),
  defineRoute("POST", "/v1/billing_portal/configurations/:id", updateConfiguration),
];
