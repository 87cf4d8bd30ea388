import type { Config } from "../../config.js";
import type { Db } from "../../db/client.js";
import type { StripeDiagnostics } from "../../stripe/diagnostics.js";
import type { StripeGateway } from "../../stripe/gateway.js";
import type { BillingConfig } from "../billing-config-schema.js";
import type { ChecklistTarget } from "./checklist-target.js";
import type { SetupItem, SetupItemStatus } from "./setup-checklist.js";

/**
 * What `portico doctor` checks, each with the fix for a failure. `fail` means
 * something must be fixed (the command exits 1); `warn` deserves a look;
 * `skip` could not or need not be checked here.
 */

export type DoctorStatus = "pass" | "fail" | "warn" | "skip";

export interface DoctorCheck {
  name: string;
  status: DoctorStatus;
  /** On the setup checklist's items: its finer state (missing and problem both fail). */
  state?: SetupItemStatus;
  message: string;
  fix?: string;
}

const STATUS_OF_STATE: Record<SetupItemStatus, DoctorStatus> = {
  ok: "pass",
  missing: "fail",
  problem: "fail",
  "skipped-offline": "skip",
};

/** A setup checklist item as one of doctor's checks. */
export function fromSetupItem(item: SetupItem): DoctorCheck {
  return {
    name: item.name,
    status: STATUS_OF_STATE[item.status],
    state: item.status,
    message: item.message,
    ...(item.next && item.status !== "ok" ? { fix: item.next } : {}),
  };
}

/** A check Stripe's answer was needed for, when Stripe could not be reached. */
export const skippedOffline = (name: string, reason: string): DoctorCheck => ({
  name,
  status: "skip",
  state: "skipped-offline",
  message: `could not reach Stripe (${reason})`,
});

/** The database as doctor reaches it, or why it could not. */
export type DoctorDatabase =
  | { kind: "direct"; db: Db }
  | { kind: "unavailable"; status: "fail" | "skip"; message: string; fix?: string };

export interface DoctorDeps {
  config: Config;
  billing: BillingConfig | undefined;
  database: DoctorDatabase;
  stripe: Pick<StripeGateway, "modes" | "listPortalConfigurations" | "findPricesByLookupKeys">;
  diagnostics: StripeDiagnostics;
  /** The event types webhook sync handles: the endpoint must send at least these. */
  webhookEvents: readonly string[];
  /**
   * Where Stripe must deliver webhooks; default APP_URL's webhook path. The quick start's
   * emulator delivers to the server's own address instead.
   */
  webhookUrl?: string | undefined;
  /** Whose setup: the server's (the default) or a project's. */
  target?: ChecklistTarget | undefined;
  fetch?: typeof fetch;
}

export const pass = (name: string, message: string): DoctorCheck => ({
  name,
  status: "pass",
  message,
});
export const fail = (name: string, message: string, fix: string): DoctorCheck => ({
  name,
  status: "fail",
  message,
  fix,
});
