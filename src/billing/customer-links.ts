import type { Logger } from "pino";
import type { StripeMode } from "../config.js";
import { type AuditSource, recordAudit } from "../db/audit-log.js";
import {
  findBillingCustomer,
  findCustomerOwner,
  linkBillingCustomer,
} from "../db/billing-customers.js";
import type { Db } from "../db/client.js";
import { withAdvisoryLock } from "../db/locks.js";
import { type Subject, subjectKey } from "../db/subjects.js";
import { PorticoError } from "../errors.js";
import type { StripeGateway } from "../stripe/gateway.js";
import type { SyncRunner } from "./sync/sync-runner.js";

export interface LinkCustomerInput {
  subject: Subject;
  customerId: string;
  mode: StripeMode;
  source: AuditSource;
  /** Who asked, for the audit row (an operator's name, the host app's user id). */
  actor?: string | undefined;
  /** Extra facts for the audit row, e.g. how an import matched. */
  details?: Record<string, unknown>;
}

export interface LinkCustomerResult {
  subject: Subject;
  customerId: string;
  mode: StripeMode;
  /** `linked` now, or `unchanged`: the subject already had exactly this customer. */
  status: "linked" | "unchanged";
  /** Whether the customer's state was pulled from Stripe after the link. */
  synced: boolean;
}

const CUSTOMER_ID = /^cus_[A-Za-z0-9]{1,250}$/;

/**
 * Links Stripe customers that Portico did not create (an app already on Stripe) to their
 * subjects. The same rules hold from the CLI, the admin API, an import and an embedding
 * app: the customer must exist in that mode and not be deleted, and a link is never moved
 * from one subject to another, nor replaced, without an operator removing it first.
 */
export function createCustomerLinkService(deps: {
  db: Db;
  stripe: Pick<StripeGateway, "sync" | "modes">;
  runner: Pick<SyncRunner, "pull">;
  logger: Pick<Logger, "warn">;
}) {
  const { db, stripe, runner, logger } = deps;

  /** Refusals as errors, checked against Stripe and the links held now. */
  async function checkLink(input: LinkCustomerInput): Promise<"new" | "unchanged"> {
    const { subject, customerId, mode } = input;
    if (!CUSTOMER_ID.test(customerId)) {
      throw new PorticoError("VALIDATION_ERROR", "A Stripe customer id looks like cus_…", {
        details: [{ path: ["customerId"], message: "expected cus_…" }],
      });
    }
    if (!stripe.modes().includes(mode)) {
      throw new PorticoError("STRIPE_NOT_CONFIGURED", `No Stripe key configured for ${mode} mode`);
    }
    const existing = await findBillingCustomer(db, subject, mode === "live");
    const owner = await findCustomerOwner(db, customerId);
    if (existing?.stripeCustomerId === customerId) return "unchanged";
    if (owner) throw linkedElsewhere(customerId, owner.subject);
    if (existing) throw subjectHasCustomer(subject, mode, existing.stripeCustomerId);
    const customer = await stripe.sync(mode).fetchCustomer(customerId);
    if (!customer) {
      throw new PorticoError("NOT_FOUND", `No Stripe customer ${customerId} in ${mode} mode`);
    }
    if (customer.deleted) {
      throw new PorticoError("NOT_FOUND", `Stripe customer ${customerId} is deleted`);
    }
    return "new";
  }

  async function linkCustomer(input: LinkCustomerInput): Promise<LinkCustomerResult> {
    const { subject, customerId, mode } = input;
    let status: LinkCustomerResult["status"] =
      (await checkLink(input)) === "new" ? "linked" : "unchanged";
    if (status === "linked") {
      // Under the customer's sync lock: no event for it applies half before, half after.
      const linked = await withAdvisoryLock(db, customerId, async (tx) => {
        if (!(await linkBillingCustomer(tx, subject, mode === "live", customerId))) return false;
        await recordAudit(tx, {
          action: "customer.linked",
          source: input.source,
          actor: input.actor ?? null,
          subject: subjectKey(subject),
          livemode: mode === "live",
          stripeCustomerId: customerId,
          details: input.details ?? {},
        });
        return true;
      });
      // Lost a race with another link: the check names the winner, or finds this very link.
      if (!linked) {
        if ((await checkLink(input)) !== "unchanged") {
          throw new PorticoError("CUSTOMER_LINK_CONFLICT", `${customerId} could not be linked`);
        }
        status = "unchanged";
      }
    }
    return { subject, customerId, mode, status, synced: await pull(input) };
  }

  /** The customer's subscriptions, cards and invoices now, so the plan is right at once. */
  async function pull(input: LinkCustomerInput): Promise<boolean> {
    try {
      await runner.pull(input.mode, input.customerId);
      return true;
    } catch (error) {
      logger.warn(
        { err: error, customerId: input.customerId },
        "linked, but the customer's state could not be pulled from Stripe yet",
      );
      return false;
    }
  }

  /** The subject's live links, per mode. */
  async function listLinks(subject: Subject) {
    const links: { mode: StripeMode; customerId: string }[] = [];
    for (const mode of ["test", "live"] as const) {
      const found = await findBillingCustomer(db, subject, mode === "live");
      if (found) links.push({ mode, customerId: found.stripeCustomerId });
    }
    return links;
  }

  return { linkCustomer, checkLink, listLinks };
}

export type CustomerLinkService = ReturnType<typeof createCustomerLinkService>;

function linkedElsewhere(customerId: string, owner: Subject) {
  return new PorticoError(
    "CUSTOMER_LINK_CONFLICT",
    `${customerId} is already linked to ${subjectKey(owner)}. Portico never moves a link: ` +
      `if that link is wrong, remove it first, then link again.`,
  );
}

function subjectHasCustomer(subject: Subject, mode: StripeMode, current: string) {
  return new PorticoError(
    "CUSTOMER_LINK_CONFLICT",
    `${subjectKey(subject)} already has Stripe customer ${current} in ${mode} mode, and ` +
      `Portico never replaces a link: if ${current} is the wrong one, remove its link first.`,
  );
}
