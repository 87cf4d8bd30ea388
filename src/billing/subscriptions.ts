import type { Config, StripeMode } from "../config.js";
import { findBillingCustomer } from "../db/billing-customers.js";
import { findDefaultPaymentMethod, findPaymentMethod } from "../db/billing-payment-methods.js";
import { listCustomerSubscriptions } from "../db/billing-subscriptions.js";
import type { Db } from "../db/client.js";
import { consumeRateLimit } from "../db/rate-limits.js";
import { type Subject, subjectKey } from "../db/subjects.js";
import { PorticoError } from "../errors.js";
import type { StripeGateway } from "../stripe/gateway.js";
import { StripeModeNotConfiguredError } from "../stripe/gateway.js";
import type { PlanCatalog } from "./plans.js";
import {
  pickCurrentSubscription,
  type SubscriptionView,
  toSubscriptionView,
} from "./subscription-view.js";
import type { SyncRunner } from "./sync/sync-runner.js";

/** A subject's subscription as Portico holds it, and a way to refresh it from Stripe on demand. */
export function createSubscriptionService(deps: {
  db: Db;
  stripe: Pick<StripeGateway, "modes">;
  plans: Pick<PlanCatalog, "plans">;
  runner: Pick<SyncRunner, "pull">;
  config: Pick<Config, "rateLimits">;
}) {
  const { db, stripe, plans, runner, config } = deps;

  /** Read from the local mirror only: fast, and it works while Stripe is down. */
  function getSubscription(subject: Subject, mode: StripeMode): Promise<SubscriptionView> {
    return readSubscriptionView(db, plans, subject, mode);
  }

  /** Pulls the subject's state from Stripe now (rate limited: each pull is several API calls). */
  async function syncSubscription(subject: Subject, mode: StripeMode): Promise<SubscriptionView> {
    if (!stripe.modes().includes(mode)) throw new StripeModeNotConfiguredError(mode);
    const limit = await consumeRateLimit(db, `sync:${subjectKey(subject)}`, config.rateLimits.sync);
    if (!limit.allowed) {
      throw new PorticoError("RATE_LIMITED", "Too many sync requests, try again later", {
        retryAfter: limit.retryAfter,
      });
    }
    const customer = await findBillingCustomer(db, subject, mode === "live");
    if (customer) await runner.pull(mode, customer.stripeCustomerId);
    return getSubscription(subject, mode);
  }

  return { getSubscription, syncSubscription };
}

export type SubscriptionService = ReturnType<typeof createSubscriptionService>;

/** The subject's view as `GET /subscription` answers it, read from `db` (or a transaction). */
export async function readSubscriptionView(
  db: Db,
  plans: Pick<PlanCatalog, "plans">,
  subject: Subject,
  mode: StripeMode,
): Promise<SubscriptionView> {
  const customer = await findBillingCustomer(db, subject, mode === "live");
  if (!customer) return toSubscriptionView(undefined, plans.plans, null, false);
  const subscription = pickCurrentSubscription(
    await listCustomerSubscriptions(db, customer.stripeCustomerId),
  );
  const card = await cardOf(
    db,
    customer.stripeCustomerId,
    subscription?.defaultPaymentMethodId ?? null,
  );
  return toSubscriptionView(subscription, plans.plans, card, true);
}

async function cardOf(db: Db, customerId: string, preferred: string | null) {
  const chosen =
    (preferred ? await findPaymentMethod(db, preferred) : undefined) ??
    (await findDefaultPaymentMethod(db, customerId));
  if (!chosen?.brand || !chosen.last4 || chosen.stripeCustomerId !== customerId) return null;
  return {
    brand: chosen.brand,
    last4: chosen.last4,
    expMonth: chosen.expMonth ?? 0,
    expYear: chosen.expYear ?? 0,
  };
}
