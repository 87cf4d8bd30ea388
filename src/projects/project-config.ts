import { parseBillingConfig, withBillingConfig } from "../billing/billing-config.js";
import type { BillingConfig } from "../billing/billing-config-schema.js";
import type { Config, StripeMode } from "../config.js";
import type { ProjectSettings } from "./project-service.js";

/**
 * The configuration a project runs with: the server's, with the project's own Stripe keys,
 * webhook secrets, JWT settings, return origins, rate limits and billing file in place of
 * the server's. Nothing of the server's own Stripe account or sign-in carries over, so a
 * project can only ever act on its own account.
 */
export function projectConfig(
  server: Config,
  project: ProjectSettings,
): { config: Config; billingConfig: BillingConfig | undefined } {
  const { credentials } = project;
  const billingConfig =
    project.billing == null
      ? undefined
      : parseBillingConfig(project.billing, `project ${project.id}'s billing`);
  // Return URLs default to the project's own app, its first origin; without one, Portico's.
  const appUrl = project.returnOrigins[0] ?? server.appUrl;
  const config: Config = {
    ...server,
    appUrl,
    allowedOrigins: project.returnOrigins.length > 0 ? project.returnOrigins : [appUrl],
    // Browsers of the project's own app, not the server's CORS_ORIGINS.
    corsOrigins: undefined,
    stripe: {
      ...server.stripe,
      keys: credentials.keys,
      appMode: projectAppMode(credentials.keys),
      webhookSecrets: credentials.webhookSecrets,
    },
    // The server's portal choices name configurations of its own account, not the project's.
    portal: { allowedConfigurations: [], defaultConfiguration: undefined },
    auth: { ...server.auth, jwt: credentials.jwt },
    rateLimits: { ...server.rateLimits, ...project.rateLimits },
  };
  return { config: withBillingConfig(config, billingConfig), billingConfig };
}

/** Test mode while the project has a test key; a project with only a live key is live. */
function projectAppMode(keys: Partial<Record<StripeMode, string>>): StripeMode {
  return keys.test || !keys.live ? "test" : "live";
}
