import { signWebhookPayload } from "../src/stripe/webhooks.js";

/** A Stripe-shaped event around `object`, signed with `secret` (now, unless told otherwise). */
export function signedEvent(
  secret: string,
  event: { id?: string; type: string; livemode?: boolean; created?: number; object: object },
  timestamp?: number,
) {
  const body = JSON.stringify({
    id: event.id ?? `evt_test_${Math.random().toString(36).slice(2)}`,
    object: "event",
    api_version: "2026-10-28.endive",
    created: event.created ?? Math.floor(Date.now() / 1000),
    livemode: event.livemode ?? false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: event.type,
    data: { object: event.object },
  });
  return { body, signature: signWebhookPayload(body, secret, timestamp) };
}
