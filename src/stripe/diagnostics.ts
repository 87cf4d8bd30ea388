import type { StripeMode } from "../config.js";
import type { StripeClients } from "./client.js";
import { callStripe } from "./errors.js";
import { StripeModeNotConfiguredError } from "./gateway.js";

/** Stripe calls only `portico doctor` makes: is the key accepted, where do webhooks go. */

export interface WebhookEndpointSummary {
  id: string;
  url: string;
  /** `["*"]` for every event. */
  enabledEvents: string[];
  enabled: boolean;
}

export interface StripeDiagnostics {
  /** Resolves when the mode's key is accepted; throws Portico's errors otherwise. */
  verifyKey(mode: StripeMode): Promise<void>;
  listWebhookEndpoints(mode: StripeMode): Promise<WebhookEndpointSummary[]>;
}

export function createStripeDiagnostics(clients: StripeClients): StripeDiagnostics {
  const client = (mode: StripeMode) => {
    const stripe = clients[mode];
    if (!stripe) throw new StripeModeNotConfiguredError(mode);
    return stripe;
  };
  return {
    async verifyKey(mode) {
      // The cheapest authenticated read every restricted key with customer access can do.
      await callStripe(() => client(mode).customers.list({ limit: 1 }));
    },
    async listWebhookEndpoints(mode) {
      const endpoints = await callStripe(() =>
        client(mode).webhookEndpoints.list({ limit: 100 }).autoPagingToArray({ limit: 1000 }),
      );
      return endpoints.map((endpoint) => ({
        id: endpoint.id,
        url: endpoint.url,
        enabledEvents: [...endpoint.enabled_events],
        enabled: endpoint.status === "enabled",
      }));
    },
  };
}
