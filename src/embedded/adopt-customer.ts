import type { Logger } from "pino";
import type { CustomerLinkService } from "../billing/customer-links.js";
import type { StripeMode } from "../config.js";
import { findBillingCustomer } from "../db/billing-customers.js";
import type { Db } from "../db/client.js";
import { userSubjectId } from "../db/subjects.js";
import { ERROR_CODES, PorticoError } from "../errors.js";

/** Links the Stripe customer `identify()` says a user already has; see `HostUser.stripeCustomerId`. */
export type AdoptCustomer = (
  user: { id: string; hostId: string },
  customerId: string,
) => Promise<void>;

/**
 * The host app's word for a user's customer is taken once, on first sight, through the same
 * checks as an operator's link: it must exist, not be deleted and not be linked to anyone
 * else. A refusal is logged and the request goes on without the link; a link is never moved.
 */
export function createCustomerAdoption(deps: {
  db: Db;
  links: Pick<CustomerLinkService, "linkCustomer">;
  mode: StripeMode;
  logger: Pick<Logger, "warn">;
}): AdoptCustomer {
  const { db, links, mode, logger } = deps;
  // Refusals already logged in this process: identify() repeats them on every request.
  const refused = new Set<string>();

  return async (user, customerId) => {
    const key = `${user.id}|${customerId}`;
    if (refused.has(key)) return;
    const current = await findBillingCustomer(db, userSubjectId(user.id), mode === "live");
    if (current?.stripeCustomerId === customerId) return;
    try {
      await links.linkCustomer({
        subject: userSubjectId(user.id),
        customerId,
        mode,
        source: "embedded",
        actor: user.hostId,
      });
    } catch (error) {
      // Stripe down or slow: not a refusal, so the next request tries again.
      const lasting = error instanceof PorticoError && ERROR_CODES[error.code] < 500;
      if (lasting) refused.add(key);
      logger.warn(
        { userId: user.id, customerId, reason: error instanceof Error ? error.message : error },
        "identify() named a Stripe customer that Portico did not adopt",
      );
    }
  };
}
