import type { Config, StripeMode } from "../config.js";
import { findBillingCustomer, linkBillingCustomer } from "../db/billing-customers.js";
import { recordCheckoutSession } from "../db/checkout-sessions.js";
import type { Db } from "../db/client.js";
import { withAdvisoryLock } from "../db/locks.js";
import { consumeRateLimit } from "../db/rate-limits.js";
import { PorticoError, validationError } from "../errors.js";
import { type StripeGateway, StripeModeNotConfiguredError } from "../stripe/gateway.js";
import { type CheckoutChoice, resolveCheckoutPrice } from "./checkout-price.js";
import type { PlanCatalog } from "./plans.js";
import { verifyReturnUrl } from "./return-url.js";

/** The plan is named by `plan` (+ `interval`) or by `price`, a lookup key such as `pro_monthly`. */
export interface CheckoutInput extends CheckoutChoice {
  user: { id: string; email: string | null };
  mode: StripeMode;
  successUrl?: string | undefined;
  cancelUrl?: string | undefined;
  requestId: string;
}

const SUBSCRIBED = ["active", "trialing"];

/**
 * Starts a subscription checkout. The Stripe customer is created before the session, once
 * per user and mode: a per-user advisory lock serializes concurrent requests (on every
 * instance), Stripe's idempotency key `portico-customer-<userId>` covers a retry after a
 * lost answer, and the link's unique index is the last word.
 */
export function createCheckoutService(deps: {
  db: Db;
  stripe: Pick<
    StripeGateway,
    "modes" | "createCustomer" | "findPricesByLookupKeys" | "listOpenSubscriptions" | "sync"
  >;
  plans: Pick<PlanCatalog, "planForPrice" | "plans">;
  config: Pick<Config, "allowedOrigins" | "appUrl" | "rateLimits">;
}) {
  const { db, stripe, plans, config } = deps;
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

  /** The user's customer in that mode, created (and linked) on first need, exactly once. */
  function ensureCustomer(user: CheckoutInput["user"], mode: StripeMode): Promise<string> {
    const livemode = mode === "live";
    return withAdvisoryLock(db, `portico-customer:${user.id}:${mode}`, async (tx) => {
      const existing = await findBillingCustomer(tx, user.id, livemode);
      if (existing) return existing.stripeCustomerId;
      const customerId = await stripe.createCustomer(mode, user);
      await linkBillingCustomer(tx, user.id, livemode, customerId);
      return customerId;
    });
  }

  async function startCheckout(input: CheckoutInput): Promise<{ id: string; url: string }> {
    const successUrl = checkUrl("successUrl", input.successUrl);
    const cancelUrl = checkUrl("cancelUrl", input.cancelUrl);
    const price = resolveCheckoutPrice(plans, input);
    if (!stripe.modes().includes(input.mode)) throw new StripeModeNotConfiguredError(input.mode);
    // Each checkout is several Stripe calls, and the first one creates a customer.
    const limit = await consumeRateLimit(
      db,
      `checkout:user:${input.user.id}`,
      config.rateLimits.checkout,
    );
    if (!limit.allowed) {
      throw new PorticoError("RATE_LIMITED", "Too many checkout attempts, try again later", {
        retryAfter: limit.retryAfter,
      });
    }
    const priceId = await findActivePriceId(input.mode, price.lookupKey);
    const customerId = await ensureCustomer(input.user, input.mode);

    // Stripe is the authority here: the local mirror may be a webhook behind.
    const open = await stripe.listOpenSubscriptions(input.mode, customerId);
    if (open.some((subscription) => SUBSCRIBED.includes(subscription.status))) {
      throw new PorticoError(
        "ALREADY_SUBSCRIBED",
        "You already have a subscription; change it in the billing portal",
      );
    }

    const session = await stripe.sync(input.mode).createCheckoutSession({
      customerId,
      priceId,
      userId: input.user.id,
      successUrl,
      cancelUrl,
      trialPeriodDays: price.trialPeriodDays,
    });
    await recordCheckoutSession(db, {
      stripeSessionId: session.id,
      userId: input.user.id,
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
