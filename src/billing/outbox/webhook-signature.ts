import { createHmac, randomBytes } from "node:crypto";

/**
 * Outgoing webhooks are signed the way Stripe signs its own, so an app verifies them with the
 * code it already has: `stripe.webhooks.constructEvent(rawBody, header, secret)`, given the
 * `Portico-Signature` header and the endpoint's `whsec_…` secret.
 */
export const SIGNATURE_HEADER = "Portico-Signature";

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed by the whole secret>`. */
export function signWebhookBody(body: string, secret: string, timestampSeconds: number): string {
  const t = Math.floor(timestampSeconds);
  const v1 = createHmac("sha256", secret).update(`${t}.${body}`, "utf8").digest("hex");
  return `t=${t},v1=${v1}`;
}

/** A new endpoint's signing secret: `whsec_` and 32 random bytes. */
export const newSigningSecret = () => `whsec_${randomBytes(32).toString("base64url")}`;
