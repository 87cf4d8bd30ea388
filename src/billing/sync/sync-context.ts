import type { Logger } from "pino";
import type { Config } from "../../config.js";
import type { Db } from "../../db/client.js";
import type { SyncCalls } from "../../stripe/sync-calls.js";
import type { SyncEvent } from "../../stripe/sync-types.js";
import type { PlanCatalog } from "../plans.js";

/** What an event handler works with: a transaction holding the customer's lock, and Stripe. */
export interface SyncContext {
  tx: Db;
  /** The event's mode, and Stripe in that mode. */
  livemode: boolean;
  stripe: SyncCalls;
  source: Config["sync"]["source"];
  plans: Pick<PlanCatalog, "planForPrice">;
  logger: Pick<Logger, "info" | "warn">;
}

/** An event whose object is not the kind its type promises: a bug or a forged payload. */
export const unexpectedObject = (event: SyncEvent) =>
  new Error(`${event.type} ${event.id} carries a ${event.object.kind} object`);
