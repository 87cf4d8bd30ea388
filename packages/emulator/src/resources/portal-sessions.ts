import type Stripe from "stripe";
import { z } from "zod";
import { emitEvent } from "../events.js";
import { invalidRequest } from "../http/errors.js";
import { expandObject } from "../http/expand.js";
import { expandParam, formEnum, formString, parseParams } from "../http/params.js";
import { type ApiRequest, defineRoute } from "../http/route.js";
import { generateId, generateRandomString } from "../ids.js";
import { type Account, saveObject } from "../store.js";
import type { Wire } from "../wire.js";
import { assertValidUrl, notEmulated } from "./common.js";
import { requireLiveCustomer, requireObject } from "./lookup.js";
import { buildPortalFlow, flowDataSchema } from "./portal-flow.js";
import { sweepExpiredPortalSessions } from "./portal-session-expiry.js";

const LOCALES = [
  "auto",
  "bg",
  "cs",
  "da",
  "de",
  "el",
  "en",
  "en-AU",
  "en-CA",
  "en-GB",
  "en-IE",
  "en-IN",
  "en-NZ",
  "en-SG",
  "es",
  "es-419",
  "et",
  "fi",
  "fil",
  "fr",
  "fr-CA",
  "hr",
  "hu",
  "id",
  "it",
  "ja",
  "ko",
  "lt",
  "lv",
  "ms",
  "mt",
  "nb",
  "nl",
  "pl",
  "pt",
  "pt-BR",
  "ro",
  "ru",
  "sk",
  "sl",
  "sv",
  "th",
  "tr",
  "vi",
  "zh",
  "zh-HK",
  "zh-TW",
] as const;

const createSchema = z.strictObject({
  customer: formString().optional(),
  configuration: formString().optional(),
  expand: expandParam(),
  flow_data: flowDataSchema.optional(),
  locale: formEnum(LOCALES).optional(),
  on_behalf_of: formString().optional(),
  return_url: formString().optional(),
  after_expiration: notEmulated().optional(),
  customer_account: notEmulated().optional(),
});

/** Stripe's wording when no portal settings were ever saved for the mode (note the ’). */
function noSavedSettingsMessage(livemode: boolean): string {
  const mode = livemode ? "live" : "test";
  const path = livemode ? "settings/billing/portal" : "test/settings/billing/portal";
  return `You can’t create a portal session in ${mode} mode until you save your customer portal settings in ${mode} mode at https://dashboard.stripe.com/${path}.`;
}

function resolveConfiguration(account: Account, id: string | undefined) {
  if (!id) {
    const defaultId = account.defaultPortalConfiguration;
    if (!defaultId) throw invalidRequest(noSavedSettingsMessage(account.livemode));
    return requireObject(account, "billing_portal.configuration", defaultId);
  }
  const configuration = requireObject(account, "billing_portal.configuration", id, "configuration");
  if (!configuration.active) {
    throw invalidRequest(
      `The configuration \`${id}\` is not active. Activate it or use another configuration.`,
      "configuration",
    );
  }
  return configuration;
}

function createPortalSession(request: ApiRequest) {
  const { account } = request;
  sweepExpiredPortalSessions(request.store, account);
  const params = parseParams(createSchema, request.params);
  if (!params.customer) {
    throw invalidRequest("Missing required param: customer.", "customer", "parameter_missing");
  }
  const customer = requireLiveCustomer(account, params.customer, "customer");
  const configuration = resolveConfiguration(account, params.configuration);
  if (params.return_url) assertValidUrl(params.return_url, "return_url");
  const flow = params.flow_data
    ? buildPortalFlow(params.flow_data, { account, customerId: customer.id, configuration })
    : null;
  // The URL is a bearer secret, like Stripe's: it alone opens the customer's portal.
  const token = generateRandomString(32);
  const session = saveObject(account, "billing_portal.session", {
    id: generateId("bps"),
    object: "billing_portal.session",
    configuration: configuration.id,
    created: account.clock.now(),
    customer: customer.id,
    customer_account: null,
    flow,
    livemode: account.livemode,
    locale: params.locale ?? null,
    on_behalf_of: params.on_behalf_of ?? null,
    return_url: params.return_url ?? configuration.default_return_url,
    url: `${request.origin}/p/session/${token}`,
  } satisfies Wire<Stripe.BillingPortal.Session>);
  request.store.portalLinks.set(token, { account, sessionId: session.id });
  emitEvent(account, "billing_portal.session.created", session, undefined, request);
  return expandObject(account, session, params.expand);
}

export const portalSessionRoutes = [
  defineRoute("POST", "/v1/billing_portal/sessions", createPortalSession),
];
