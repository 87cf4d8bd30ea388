import type { StripeMode } from "../config.js";
import { findBillingCustomer, findCustomerOwner } from "../db/billing-customers.js";
import type { Db } from "../db/client.js";
import { findUsersByAppId, findUsersByEmail, type UserMatch } from "../db/subject-lookup.js";
import { type Subject, subjectKey, userSubjectId } from "../db/subjects.js";
import { PorticoError } from "../errors.js";
import type { CustomerListing, StripeGateway } from "../stripe/gateway.js";
import type { CustomerLinkService } from "./customer-links.js";

/** How an import finds a customer's user: a metadata key holding the app's user id, or the email. */
export type ImportMatch = { by: "metadata"; key: string } | { by: "email" };

export type ImportStatus =
  | "would_link"
  | "linked"
  | "already_linked"
  | "ambiguous"
  | "unmatched"
  | "refused";

export interface ImportOutcome {
  status: ImportStatus;
  customerId: string;
  email: string | null;
  /** `user:<id>`: the matched subject, or the one the customer is already linked to. */
  subject?: string;
  /** Why it is ambiguous, unmatched or refused; for `linked`, a pull that did not happen. */
  reason?: string;
}

export interface ImportReport {
  mode: StripeMode;
  dryRun: boolean;
  match: string;
  outcomes: ImportOutcome[];
  counts: Record<ImportStatus, number>;
}

/** `metadata:<key>` or `email`; undefined for anything else. */
export function parseImportMatch(text: string): ImportMatch | undefined {
  if (text === "email") return { by: "email" };
  const key = /^metadata:([A-Za-z0-9_.-]{1,40})$/.exec(text)?.[1];
  return key ? { by: "metadata", key } : undefined;
}

export const describeMatch = (match: ImportMatch) =>
  match.by === "email" ? "email" : `metadata:${match.key}`;

/**
 * Proposes a link for every customer in the Stripe account and, unless `dryRun`, makes them
 * through the link service (so an import obeys the rules of a single link and is audited).
 * A customer is linked only when its key is its own (no other customer shares it) and names
 * exactly one user who has no other customer in that mode.
 */
export async function importCustomers(
  deps: { db: Db; stripe: Pick<StripeGateway, "listCustomers">; links: CustomerLinkService },
  options: { mode: StripeMode; match: ImportMatch; dryRun: boolean },
): Promise<ImportReport> {
  const { db, stripe, links } = deps;
  const { mode, match, dryRun } = options;
  const customers = await listEveryCustomer(stripe, mode);
  const keyOf = (customer: CustomerListing) =>
    match.by === "email"
      ? customer.email?.trim().toLowerCase() || undefined
      : customer.metadata[match.key]?.trim() || undefined;
  const sharing = countBy(customers.map(keyOf));

  const proposals: { outcome: ImportOutcome; subject: Subject }[] = [];
  const outcomes: ImportOutcome[] = [];
  for (const customer of customers) {
    const base = { customerId: customer.id, email: customer.email };
    const owner = await findCustomerOwner(db, customer.id);
    if (owner) {
      outcomes.push({ ...base, status: "already_linked", subject: subjectKey(owner.subject) });
      continue;
    }
    const key = keyOf(customer);
    if (!key) {
      const missing = match.by === "email" ? "no email" : `no metadata.${match.key}`;
      outcomes.push({ ...base, status: "unmatched", reason: missing });
      continue;
    }
    if ((sharing.get(key) ?? 0) > 1) {
      const shared = match.by === "email" ? "email" : `metadata.${match.key}`;
      outcomes.push({
        ...base,
        status: "ambiguous",
        reason: `${sharing.get(key)} customers share this ${shared}`,
      });
      continue;
    }
    const users = await findUsers(db, match, key);
    const [user, other] = users;
    if (!user) {
      outcomes.push({ ...base, status: "unmatched", reason: `no user for ${key}` });
    } else if (other) {
      outcomes.push({ ...base, status: "ambiguous", reason: `${users.length} users match ${key}` });
    } else {
      const subject = userSubjectId(user.id);
      const outcome: ImportOutcome = {
        ...base,
        status: "would_link",
        subject: subjectKey(subject),
      };
      const current = await findBillingCustomer(db, subject, mode === "live");
      if (current) {
        outcome.status = "refused";
        outcome.reason = `${subjectKey(subject)} already has ${current.stripeCustomerId}`;
      } else proposals.push({ outcome, subject });
      outcomes.push(outcome);
    }
  }
  refuseSharedSubjects(proposals);

  if (!dryRun) {
    for (const { outcome, subject } of proposals) {
      if (outcome.status !== "would_link") continue;
      await applyProposal(links, outcome, {
        subject,
        mode,
        details: { match: describeMatch(match) },
      });
    }
  }
  return { mode, dryRun, match: describeMatch(match), outcomes, counts: countStatuses(outcomes) };
}

async function listEveryCustomer(stripe: Pick<StripeGateway, "listCustomers">, mode: StripeMode) {
  const all: CustomerListing[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await stripe.listCustomers(mode, after);
    all.push(...page.customers);
    after = page.customers.at(-1)?.id;
    if (!page.hasMore || !after) return all;
  }
}

function findUsers(db: Db, match: ImportMatch, key: string): Promise<UserMatch[]> {
  return match.by === "email" ? findUsersByEmail(db, key) : findUsersByAppId(db, key);
}

/** Two customers proposed for one user (e.g. by its id and by its external id): link neither. */
function refuseSharedSubjects(proposals: { outcome: ImportOutcome }[]) {
  const counts = countBy(proposals.map(({ outcome }) => outcome.subject));
  for (const { outcome } of proposals) {
    const shared = counts.get(outcome.subject ?? "") ?? 0;
    if (shared > 1) {
      outcome.status = "ambiguous";
      outcome.reason = `${shared} customers match ${outcome.subject}`;
    }
  }
}

async function applyProposal(
  links: CustomerLinkService,
  outcome: ImportOutcome,
  input: { subject: Subject; mode: StripeMode; details: Record<string, unknown> },
) {
  try {
    const result = await links.linkCustomer({
      ...input,
      customerId: outcome.customerId,
      source: "import",
    });
    outcome.status = result.status === "linked" ? "linked" : "already_linked";
    if (!result.synced) outcome.reason = "linked; its state is pulled on the next sync";
  } catch (error) {
    // The account or the links changed since the listing: report it, go on with the rest.
    if (!(error instanceof PorticoError)) throw error;
    outcome.status = "refused";
    outcome.reason = error.message;
  }
}

function countBy(keys: (string | undefined)[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

function countStatuses(outcomes: ImportOutcome[]): Record<ImportStatus, number> {
  const counts: Record<ImportStatus, number> = {
    would_link: 0,
    linked: 0,
    already_linked: 0,
    ambiguous: 0,
    unmatched: 0,
    refused: 0,
  };
  for (const { status } of outcomes) counts[status] += 1;
  return counts;
}
