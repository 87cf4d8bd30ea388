import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import type { StripeGateway } from "../stripe/gateway.js";
import { createCheckoutService } from "./checkout.js";
import type { PlanCatalog } from "./plans.js";
import { createSubscriptionService } from "./subscriptions.js";
import { createSyncRunner } from "./sync/sync-runner.js";
import { createWebhookService } from "./webhooks.js";

/**
 * Subscription sync as the server wires it: the runner (events and pulls, one customer
 * at a time), the webhook inbox in front of it, the read side, and checkout.
 */
export function createSyncServices(deps: {
  db: Db;
  stripe: StripeGateway;
  plans: PlanCatalog;
  config: Config;
  logger: Logger;
}) {
  const { db, stripe, plans, config, logger } = deps;
  const runner = createSyncRunner({ db, stripe, plans, config, logger });
  return {
    sync: runner,
    webhooks: createWebhookService({ db, runner, config, logger }),
    subscriptions: createSubscriptionService({ db, stripe, plans, runner, config }),
    checkout: createCheckoutService({ db, stripe, plans, config }),
  };
}

export type SyncServices = ReturnType<typeof createSyncServices>;
