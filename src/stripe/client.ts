import Stripe from "stripe";
import type { Config, StripeMode } from "../config.js";

/** The API version this code and its types were written against. */
export const STRIPE_API_VERSION = "2026-10-28.endive" as const;

export type StripeClients = Partial<Record<StripeMode, Stripe>>;

/**
 * One SDK client per configured mode; a mode without a key has no client. `httpClient`
 * replaces the SDK's transport, e.g. to pace every request `portico sync` sends.
 */
export function createStripeClients(
  settings: Config["stripe"],
  options: { httpClient?: Stripe.HttpClient } = {},
): StripeClients {
  const clients: StripeClients = {};
  for (const mode of ["test", "live"] as const) {
    const key = settings.keys[mode];
    if (key) clients[mode] = createStripeClient(key, settings, options.httpClient);
  }
  return clients;
}

function createStripeClient(
  key: string,
  settings: Config["stripe"],
  httpClient: Stripe.HttpClient | undefined,
): Stripe {
  const base = settings.apiBase ? new URL(settings.apiBase) : undefined;
  return new Stripe(key, {
    apiVersion: STRIPE_API_VERSION,
    // The SDK keys every POST with an Idempotency-Key and reuses it on retry.
    maxNetworkRetries: settings.maxNetworkRetries,
    timeout: settings.timeoutMs,
    appInfo: { name: "Portico", url: "https://github.com/portico-billing/portico" },
    ...(httpClient ? { httpClient } : {}),
    ...(base
      ? {
          host: base.hostname,
          port: base.port || (base.protocol === "https:" ? "443" : "80"),
          protocol: base.protocol === "https:" ? "https" : "http",
        }
      : {}),
  });
}
