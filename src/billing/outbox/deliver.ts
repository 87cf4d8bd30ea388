import type { Logger } from "pino";
import type { Db } from "../../db/client.js";
import {
  type ClaimedDelivery,
  recordDelivered,
  recordDeliveryFailure,
} from "../../db/webhook-deliveries.js";
import type { Metrics } from "../../metrics.js";
import type { SecretBox } from "../../projects/secret-box.js";
import type { Clock } from "./change-dispatcher.js";
import { nextAttemptAt } from "./retry-schedule.js";
import { type SendOutcome, sendWebhook } from "./send-webhook.js";
import { endpointSecretBinding, NO_MASTER_KEY } from "./webhook-endpoints.js";
import { signWebhookBody } from "./webhook-signature.js";

/**
 * One attempt at a claimed delivery: open the endpoint's secret, sign the event as it is
 * stored (the same id and body every attempt), POST it with no database held, then record
 * the outcome under the claim's fence. Logs name the delivery, event and endpoint, never the
 * secret, the signature or the body.
 */
export function createDeliverer(deps: {
  db: Db;
  box: SecretBox | undefined;
  projectId: string | undefined;
  clock: Clock;
  timeoutMs: number;
  metrics: Pick<Metrics, "outgoingWebhook">;
  logger: Pick<Logger, "info" | "warn">;
  fetcher?: typeof fetch;
}) {
  const { db, clock, metrics, logger } = deps;

  function openSecret(claimed: ClaimedDelivery): string {
    if (!deps.box) throw new Error(NO_MASTER_KEY);
    return deps.box.open(
      claimed.sealedSecret,
      endpointSecretBinding(deps.projectId, claimed.endpointId),
    );
  }

  async function attempt(claimed: ClaimedDelivery, signal: AbortSignal): Promise<SendOutcome> {
    let secret: string;
    try {
      secret = openSecret(claimed);
    } catch (error) {
      return { ok: false, status: null, error: `cannot sign: ${(error as Error).message}` };
    }
    const body = JSON.stringify(claimed.payload);
    return sendWebhook({
      url: claimed.url,
      body,
      signature: signWebhookBody(body, secret, clock.now().getTime() / 1000),
      timeoutMs: deps.timeoutMs,
      signal,
      ...(deps.fetcher ? { fetcher: deps.fetcher } : {}),
    });
  }

  return async function deliver(claimed: ClaimedDelivery, signal: AbortSignal): Promise<void> {
    const outcome = await attempt(claimed, signal);
    const now = clock.now();
    const about = {
      delivery: claimed.id,
      event: claimed.eventId,
      type: claimed.eventType,
      endpoint: claimed.endpointId,
      attempt: claimed.attempts,
    };
    if (outcome.ok) {
      await recordDelivered(db, claimed, { now, responseStatus: outcome.status });
      metrics.outgoingWebhook("delivered");
      return;
    }
    const retryAt = nextAttemptAt(claimed.attempts, now);
    await recordDeliveryFailure(db, claimed, {
      retryAt,
      responseStatus: outcome.status,
      error: outcome.error,
    });
    metrics.outgoingWebhook(retryAt ? "retrying" : "failed");
    logger.warn(
      { ...about, error: outcome.error, retryAt: retryAt?.toISOString() ?? null },
      retryAt ? "webhook delivery failed; will retry" : "webhook delivery failed for good",
    );
  };
}

export type Deliverer = ReturnType<typeof createDeliverer>;
