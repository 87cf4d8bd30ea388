import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import { claimStripeEvent, failStripeEvent, insertStripeEvent } from "../db/stripe-events.js";
import { PorticoError } from "../errors.js";
import { type VerifiedWebhook, verifyWebhook, WebhookRejectedError } from "../stripe/webhooks.js";
import { findEventHandler } from "./sync/handlers.js";
import type { SyncRunner } from "./sync/sync-runner.js";

/**
 * A `processing` event untouched this long was abandoned (its instance died mid-way);
 * Stripe's next redelivery may take it over. Longer than any transaction can last.
 */
const PROCESSING_LEASE_SECONDS = 120;

/** `duplicate`: the inbox already had the event, processed or in hand elsewhere. */
export type WebhookOutcome = "processed" | "ignored" | "duplicate";

/**
 * The inbox in front of sync. Only a genuine event is stored; storing it first (by id,
 * once) is what makes redeliveries and concurrent instances harmless; an event that
 * cannot be applied answers 5xx so that Stripe tries again, and stays `failed` for a retry.
 */
export function createWebhookService(deps: {
  db: Db;
  runner: Pick<SyncRunner, "applyStoredEvent">;
  config: Pick<Config, "stripe">;
  logger: Pick<Logger, "warn">;
}) {
  const { db, runner, logger } = deps;
  const secrets = deps.config.stripe.webhookSecrets;

  function verify(rawBody: Uint8Array, signature: string | undefined): VerifiedWebhook {
    if (secrets.test.length === 0 && secrets.live.length === 0) {
      throw new PorticoError(
        "WEBHOOKS_NOT_CONFIGURED",
        "No webhook signing secret is configured: set STRIPE_WEBHOOK_SECRETS",
        { retryAfter: 60 },
      );
    }
    try {
      return verifyWebhook(rawBody, signature, secrets);
    } catch (error) {
      if (!(error instanceof WebhookRejectedError)) throw error;
      throw new PorticoError("INVALID_WEBHOOK", error.message, { cause: error });
    }
  }

  /** `rawBody`: the request's exact bytes, which is what Stripe signed. */
  async function receiveWebhook(
    rawBody: Uint8Array,
    signature: string | undefined,
  ): Promise<{ eventId: string; status: WebhookOutcome }> {
    const event = verify(rawBody, signature);
    const handled = findEventHandler(event.type) !== undefined;
    const inserted = await insertStripeEvent(db, {
      id: event.id,
      type: event.type,
      livemode: event.livemode,
      created: new Date(event.created * 1000),
      payload: event.payload,
      status: handled ? "processing" : "ignored",
    });
    const answer = (status: WebhookOutcome) => ({ eventId: event.id, status });
    if (!handled) return answer(inserted ? "ignored" : "duplicate");
    // A redelivery of an event that failed before is this delivery's to retry.
    if (!inserted && !(await claimStripeEvent(db, event.id, PROCESSING_LEASE_SECONDS))) {
      return answer("duplicate");
    }

    try {
      await runner.applyStoredEvent(event.payload);
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      await failStripeEvent(db, event.id, message).catch((recordError: unknown) =>
        logger.warn({ err: recordError, event: event.id }, "could not record a failed event"),
      );
      throw new PorticoError(
        "WEBHOOK_HANDLER_FAILED",
        "The event was recorded but could not be applied; it will be retried",
        { cause: error },
      );
    }
    return answer("processed");
  }

  return { receiveWebhook };
}

export type WebhookService = ReturnType<typeof createWebhookService>;
