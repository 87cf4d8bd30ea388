import Stripe from "stripe";
import type { StripeMode } from "../config.js";
import { isStorableText, isStorableTime } from "../storable-values.js";

/** Stripe's own default: a signature older than five minutes is a replay. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export type WebhookRejection = "signature" | "payload" | "mode";

/** The request is not a genuine, well-formed Stripe event for a configured mode. */
export class WebhookRejectedError extends Error {
  constructor(
    readonly reason: WebhookRejection,
    message: string,
  ) {
    super(message);
    this.name = "WebhookRejectedError";
  }
}

export interface VerifiedWebhook {
  /** The mode whose secret signed the request. */
  mode: StripeMode;
  id: string;
  type: string;
  created: number;
  livemode: boolean;
  /** The parsed event, exactly as signed: what the inbox stores. */
  payload: Record<string, unknown>;
  /** The event's JSON text, as signed (the body decoded as UTF-8). */
  json: string;
}

type Envelope = Pick<VerifiedWebhook, "id" | "type" | "created" | "livemode">;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Stored as `text`: a NUL or an unpaired surrogate would fail the inbox's insert. */
const isStorableId = (value: unknown): value is string =>
  typeof value === "string" && value.length >= 1 && value.length <= 255 && isStorableText(value);

/**
 * Whether a parsed body is a Stripe event, as far as the inbox needs. Checked by hand, not
 * with a schema library: this runs for every delivery, and a loose object schema copies
 * the whole event on the way (a few percent of a delivery's CPU).
 */
function isEventEnvelope(event: unknown): event is Record<string, unknown> & Envelope {
  if (!isRecord(event)) return false;
  const { id, object, type, created, livemode, data } = event;
  return (
    isStorableId(id) &&
    object === "event" &&
    isStorableId(type) &&
    // Stored as a timestamptz, which a far-future `created` would overflow.
    Number.isSafeInteger(created) &&
    (created as number) >= 0 &&
    isStorableTime((created as number) * 1000) &&
    typeof livemode === "boolean" &&
    isRecord(data) &&
    isRecord(data.object)
  );
}

/**
 * Checks `Stripe-Signature` against every secret of both modes with the SDK's verifier.
 * The secret that matches says which mode the event belongs to, and the event's own
 * `livemode` must agree: a test endpoint's secret must not be able to vouch for live data.
 */
export function verifyWebhook(
  rawBody: string | Uint8Array,
  signature: string | undefined,
  secrets: Record<StripeMode, string[]>,
  nowSeconds?: number,
): VerifiedWebhook {
  if (!signature) throw new WebhookRejectedError("signature", "Missing Stripe-Signature header");
  // Decoded once here rather than by the SDK for each secret: it signs and parses the text.
  const json = typeof rawBody === "string" ? rawBody : utf8.decode(rawBody);
  for (const mode of ["test", "live"] as const) {
    for (const secret of secrets[mode]) {
      let event: unknown;
      try {
        event = Stripe.webhooks.constructEvent(
          json,
          signature,
          secret,
          WEBHOOK_TOLERANCE_SECONDS,
          undefined,
          nowSeconds === undefined ? undefined : nowSeconds * 1000,
        );
      } catch (error) {
        if (error instanceof Stripe.errors.StripeSignatureVerificationError) continue;
        // Signed by us, but not JSON.
        throw new WebhookRejectedError("payload", "Webhook body is not valid JSON");
      }
      return readEnvelope(event, json, mode);
    }
  }
  throw new WebhookRejectedError(
    "signature",
    "No signature matches a configured webhook secret, or it is too old",
  );
}

const utf8 = new TextDecoder();

function readEnvelope(event: unknown, json: string, mode: StripeMode): VerifiedWebhook {
  if (!isEventEnvelope(event)) {
    throw new WebhookRejectedError("payload", "Webhook body is not a Stripe event");
  }
  const { id, type, created, livemode } = event;
  if (livemode !== (mode === "live")) {
    throw new WebhookRejectedError(
      "mode",
      `A ${mode}-mode secret signed a ${livemode ? "live" : "test"}-mode event`,
    );
  }
  return { mode, id, type, created, livemode, payload: event, json };
}

/** A valid header for tests and local tooling, as Stripe would sign `payload`. */
export function signWebhookPayload(payload: string, secret: string, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload,
    secret,
    ...(timestamp !== undefined ? { timestamp } : {}),
  });
}
