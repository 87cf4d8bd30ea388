import type { Logger } from "pino";
import type { BillingChanges } from "../billing/billing-changes.js";
import type { SubscriptionView } from "../billing/subscription-view.js";
import type { StripeMode } from "../config.js";
import type { Db } from "../db/client.js";
import { findExternalId } from "../db/external-ids.js";
import { HOST_ISSUER } from "./host-identity.js";

/**
 * What `onChange` is told: whose billing changed, by the host's own ids (the user's as
 * `identify` returned it, the organization's as the app named it), and the new view, the
 * same as `GET /subscription` answers.
 */
export interface HostBillingChange {
  subject: { type: "user" | "organization"; id: string };
  mode: StripeMode;
  subscription: SubscriptionView;
  /**
   * Grows with every change told of this subject in this mode. One process tells a
   * subject's changes in order, but with several instances an older one can arrive later:
   * keep the highest version applied, and ignore a change below it.
   */
  version: number;
}

export type OnBillingChange = (change: HostBillingChange) => void | Promise<void>;

/** Tells the host's `onChange` of each change, in its own ids; returns how to stop. */
export function forwardChangesToHost(deps: {
  changes: BillingChanges;
  db: Db;
  onChange: OnBillingChange;
  logger: Pick<Logger, "warn">;
}): () => void {
  return deps.changes.subscribe(async ({ subject, mode, subscription, version }) => {
    const external = await findExternalId(deps.db, subject);
    // A subject the host never named (none in an embedded Portico) has no id to tell.
    if (external?.issuer !== HOST_ISSUER) return;
    const id = external.id;
    await deps.onChange({ subject: { type: subject.type, id }, mode, subscription, version });
  });
}
