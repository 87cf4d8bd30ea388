import type { Logger } from "pino";
import type { Db } from "../db/client.js";
import {
  claimFinishedStripeEvent,
  claimStripeEvent,
  failStripeEvent,
  findStripeEvent,
  type StripeEventRow,
} from "../db/stripe-events.js";
import { describeError } from "../redact-error.js";
import { findEventHandler } from "./sync/handlers.js";
import type { SyncRunner } from "./sync/sync-runner.js";
import { PROCESSING_LEASE_SECONDS } from "./webhooks.js";

/** `skipped`: nothing was applied, and `error` says why (unknown id, no handler, in hand elsewhere). */
export interface ReplayResult {
  status: "processed" | "failed" | "skipped";
  error?: string;
}

/**
 * Applies an inbox event again, for `portico events replay` and the retry worker. The row is
 * claimed first, atomically, so two replayers (or a replay and a Stripe redelivery) never
 * apply one event twice: a failed event, or one abandoned in `processing` past its lease;
 * with `force`, a processed one too. The runner marks it `processed` in the transaction that
 * applies it; a failure is recorded on the row, as the webhook route does.
 */
export async function replayStoredEvent(
  deps: {
    db: Db;
    runner: Pick<SyncRunner, "applyStoredEvent">;
    logger: Pick<Logger, "warn">;
  },
  id: string,
  options: { force?: boolean } = {},
): Promise<ReplayResult> {
  const { db, runner, logger } = deps;
  const stored = await findStripeEvent(db, id);
  if (!stored) return skipped(`No event ${id} in the inbox`);
  if (!findEventHandler(stored.type)) {
    return skipped(
      `${id} is a ${stored.type} event, which Portico does not handle: nothing to apply`,
    );
  }
  const claimed =
    (await claimStripeEvent(db, id, PROCESSING_LEASE_SECONDS)) ??
    (options.force ? await claimFinishedStripeEvent(db, id) : undefined);
  if (!claimed) return skipped(await whyNotClaimed(db, id));

  try {
    await runner.applyStoredEvent(claimed.payload);
    return { status: "processed" };
  } catch (error) {
    // Without a failed statement's values: they would land in `last_error` and the CLI.
    const message = describeError(error);
    await failStripeEvent(db, id, message).catch((recordError: unknown) =>
      logger.warn({ err: recordError, event: id }, "could not record a failed replay"),
    );
    return { status: "failed", error: message };
  }
}

const skipped = (error: string): ReplayResult => ({ status: "skipped", error });

/** The row as it stands after a refused claim; it may have moved since the first read. */
async function whyNotClaimed(db: Db, id: string): Promise<string> {
  const row: StripeEventRow | undefined = await findStripeEvent(db, id);
  if (!row) return `No event ${id} in the inbox`;
  switch (row.status) {
    case "processing":
      return `${id} is being applied elsewhere (since ${row.claimedAt?.toISOString() ?? "now"}); try again in ${PROCESSING_LEASE_SECONDS} s`;
    case "failed":
      return `${id} failed again meanwhile; replay it again`;
    default:
      return `${id} is already ${row.status}; use --force to apply it again`;
  }
}
