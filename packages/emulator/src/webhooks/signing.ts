import { createHmac } from "node:crypto";
import { generateRandomString } from "../ids.js";

/** Stripe's endpoint secrets: `whsec_` and 32 random characters. */
export function generateWebhookSecret(): string {
  return `whsec_${generateRandomString(32)}`;
}

/**
 * Stripe's `Stripe-Signature` header: `t=<unix seconds>,v1=<hex>`. The signed string is
 * `${t}.${body}` and the HMAC key is the whole secret, `whsec_` prefix included (receivers
 * that strip the prefix or base64-decode it, as Svix secrets need, fail here as on Stripe).
 */
export function signWebhookPayload(body: string, secret: string, unixSeconds: number): string {
  const signature = createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
  return `t=${unixSeconds},v1=${signature}`;
}
