import type { Logger } from "pino";
import type { Config, StripeMode } from "../config.js";
import {
  countDeletedBillingCustomers,
  findBillingCustomer,
  linkBillingCustomer,
  markBillingCustomerDeleted,
} from "../db/billing-customers.js";
import { checkoutReference, recordCheckoutSession } from "../db/checkout-sessions.js";
import type { Db } from "../db/client.js";
import { consumeRateLimit } from "../db/rate-limits.js";
import { subjectKey } from "../db/subjects.js";
import { PorticoError, validationError } from "../errors.js";
import { StripeMissingError } from "../stripe/errors.js";
import { type StripeGateway, StripeModeNotConfiguredError } from "../stripe/gateway.js";
import type { BillingSubject } from "./billing-subject.js";
import { type CheckoutChoice, resolveCheckoutPrice } from "./checkout-price.js";
import type { PlanCatalog } from "./plans.js";
import { verifyReturnUrl } from "./return-url.js";
import { resolveCheckoutSeats } from "./seats.js";

/** The plan is named by `plan` (+ `interval`) or by `price`, a lookup key such as `pro_monthly`. */
export interface CheckoutInput extends CheckoutChoice {
  /** Who is billed. */
  subject: BillingSubject;
  /** Who started the checkout (the audit row's user). */
  actor: { id: string };
  /** A per-seat plan's seats; default the organization's members, within the plan's bounds. */
  seats?: number | undefined;
  mode: StripeMode;
  successUrl?: string | undefined;
  cancelUrl?: string | undefined;
  requestId: string;
}

const SUBSCRIBED = ["active", "trialing"];

/**
 * Starts a subscription checkout. The Stripe customer is created before the session, once
 * per subject and mode, with no lock held while Stripe answers: Stripe's idempotency key
 * makes concurrent requests and retries one customer, the link's unique index picks the
 * one that counts, and a customer that lost the race is deleted.
 */
export function createCheckoutService(deps: {
  db: Db;
  stripe: Pick<
    StripeGateway,
    | "modes"
    | "createCustomer"
    | "deleteCustomer"
    | "findPricesByLookupKeys"
    | "listOpenSubscriptions"
    | "sync"
  >;
  plans: Pick<PlanCatalog, "planForPrice" | "plans">;
  config: Pick<Config, "allowedOrigins" | "appUrl" | "rateLimits">;
  logger: Pick<Logger, "warn">;
}) {
  const { db, stripe, plans, config, logger } = deps;
  const defaultReturnUrl = new URL("/settings/billing", config.appUrl).href;

  function checkUrl(field: "successUrl" | "cancelUrl", raw: string | undefined) {
    const checked = verifyReturnUrl(raw ?? defaultReturnUrl, config.allowedOrigins);
    if (!checked.ok)
      throw validationError([{ path: [field], message: `${field} ${checked.reason}` }]);
    return checked.url;
  }

  async function findActivePriceId(mode: StripeMode, lookupKey: string): Promise<string> {
    const [found] = (await stripe.findPricesByLookupKeys(mode, [lookupKey])).filter(
      (price) => price.active,
    );
    if (!found) {
      throw new PorticoError(
        "SERVICE_UNAVAILABLE",
        `Price ${lookupKey} is missing in Stripe ${mode} mode. Run \`portico stripe apply --mode ${mode}\``,
        { retryAfter: 60 },
      );
    }
    return found.id;
  }

  /** The subject's customer in that mode, created (and linked) on first need, exactly once. */
  async function ensureCustomer(subject: BillingSubject, mode: StripeMode): Promise<string> {
    const livemode = mode === "live";
    const { type, id, email, name } = subject;
    const existing = await findBillingCustomer(db, { type, id }, livemode);
    if (existing) return existing.stripeCustomerId;
    const replaced = await countDeletedBillingCustomers(db, { type, id }, livemode);
    const created = await stripe.createCustomer(mode, { type, id, email, name }, replaced);
    if (await linkBillingCustomer(db, { type, id }, livemode, created)) return created;

    // Another request linked first: the same customer (the key replayed it), or one made
    // under another key (the email changed in between). Keep the linked one.
    const linked = await findBillingCustomer(db, { type, id }, livemode);
    if (!linked) {
      // The replayed customer is one already marked deleted: its key is retired now.
      throw new PorticoError("CONFLICT", "Your billing account changed; try again", {
        retryAfter: 1,
      });
    }
    if (linked.stripeCustomerId !== created) {
      // Fresh and never used: nothing of the subject's is lost with it.
      await stripe.deleteCustomer(mode, created).catch((error: unknown) => {
        logger.warn({ err: error, customer: created }, "could not delete a duplicate customer");
      });
    }
    return linked.stripeCustomerId;
  }

  /**
   * `ensureCustomer`, then `use` with the customer. A customer deleted in Stripe is
   * marked so once it answers "no such customer", and a new one takes its place.
   */
  async function withCustomer<T>(
    input: CheckoutInput,
    use: (customerId: string) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const customerId = await ensureCustomer(input.subject, input.mode);
      try {
        return await use(customerId);
      } catch (error) {
        const deleted = error instanceof StripeMissingError && error.param === "customer";
        if (!deleted || attempt > 1) throw error;
        await markBillingCustomerDeleted(db, customerId);
      }
    }
  }

  async function startCheckout(input: CheckoutInput): Promise<{ id: string; url: string }> {
    const successUrl = checkUrl("successUrl", input.successUrl);
    const cancelUrl = checkUrl("cancelUrl", input.cancelUrl);
    const price = resolveCheckoutPrice(plans, input);
    const quantity = await resolveCheckoutSeats(price.plan, input.seats, input.subject);
    if (!stripe.modes().includes(input.mode)) throw new StripeModeNotConfiguredError(input.mode);
    // Each checkout is several Stripe calls, and the first one creates a customer.
    const limit = await consumeRateLimit(
      db,
      `checkout:${subjectKey(input.subject)}`,
      config.rateLimits.checkout,
    );
    if (!limit.allowed) {
      throw new PorticoError("RATE_LIMITED", "Too many checkout attempts, try again later", {
        retryAfter: limit.retryAfter,
      });
    }
    const priceId = await findActivePriceId(input.mode, price.lookupKey);
    const checkoutRow = {
      userId: input.actor.id,
      organizationId: input.subject.type === "organization" ? input.subject.id : null,
    };
    const { customerId, session } = await withCustomer(input, async (customerId) => {
      // Stripe is the authority here: the local mirror may be a webhook behind.
      const open = await stripe.listOpenSubscriptions(input.mode, customerId);
      if (open.some((subscription) => SUBSCRIBED.includes(subscription.status))) {
        throw new PorticoError(
          "ALREADY_SUBSCRIBED",
          input.subject.type === "user"
            ? "You already have a subscription; change it in the billing portal"
            : "This organization already has a subscription; change it in the billing portal",
        );
      }
      const session = await stripe.sync(input.mode).createCheckoutSession({
        customerId,
        priceId,
        clientReferenceId: checkoutReference(checkoutRow),
        userId: input.actor.id,
        organizationId: checkoutRow.organizationId,
        quantity,
        successUrl,
        cancelUrl,
        trialPeriodDays: price.trialPeriodDays,
      });
      return { customerId, session };
    });
    await recordCheckoutSession(db, {
      stripeSessionId: session.id,
      ...checkoutRow,
      livemode: input.mode === "live",
      stripeCustomerId: customerId,
      priceId,
      requestId: input.requestId,
    });
    return session;
  }

  return { startCheckout };
}

export type CheckoutService = ReturnType<typeof createCheckoutService>;
