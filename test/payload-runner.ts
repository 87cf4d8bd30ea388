import { noStripeReads } from "../src/billing/sync/read-first.js";
import { createSyncRunner } from "../src/billing/sync/sync-runner.js";
import type { Db } from "../src/db/client.js";

/** A sync runner that applies events' own objects and never reads Stripe, quietly. */
export function payloadSyncRunner(db: Db) {
  return createSyncRunner({
    db,
    stripe: { sync: () => noStripeReads },
    plans: { planForPrice: () => undefined },
    config: {
      sync: {
        source: "payload",
        retry: { intervalMs: 0, backoffSeconds: 1, maxAttempts: 1 },
        backfillRate: undefined,
      },
    },
    logger: { info() {}, warn() {} },
  });
}
