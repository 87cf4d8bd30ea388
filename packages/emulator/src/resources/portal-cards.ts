import {
  attachPaymentMethod,
  type CardExpiry,
  createCardPaymentMethod,
  detachPaymentMethod,
  type PaymentMethod,
  setDefaultPaymentMethod,
} from "../billing/payment-methods.js";
import { findTestCard } from "../billing/test-cards.js";
import { StripeApiError } from "../http/errors.js";
import {
  findPortalCustomer,
  PortalActionError,
  type PortalActor,
  requirePortalFeature,
} from "./portal-actions.js";

/**
 * Cards the customer manages in the portal. Adding goes through a SetupIntent at Stripe,
 * which checks the card with the issuer, so cards that decline on setup add nothing.
 */

/** Stripe's "attaches, then declines when charged" card passes setup like a good card. */
const DECLINES_ONLY_WHEN_CHARGED = "4000000000000341";

export type CardForm = { number: string; expiry: string; cvc: string };

/** "MM / YY", "MM/YY" or "MM/YYYY", as people type it. */
function parseExpiry(value: string, now: number): CardExpiry {
  const match = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(value);
  const month = Number(match?.[1]);
  if (!match?.[2] || month < 1 || month > 12) {
    throw new PortalActionError("Your card's expiration date is incomplete.", 402);
  }
  const year = match[2].length === 2 ? 2000 + Number(match[2]) : Number(match[2]);
  const today = new Date(now * 1000);
  const current = today.getUTCFullYear() * 12 + today.getUTCMonth() + 1;
  if (year * 12 + month < current) {
    throw new PortalActionError("Your card's expiration date is in the past.", 402);
  }
  return { month, year };
}

/** The customer's cards, newest first, as the portal lists them. */
export function listPortalCards(actor: PortalActor): PaymentMethod[] {
  return [...actor.account.collections.payment_method.values()]
    .filter((pm) => pm.customer === actor.session.customer && pm.card)
    .reverse();
}

/** A session may only touch its own customer's cards; others look like unknown ids. */
function requirePortalCard(actor: PortalActor, id: string): PaymentMethod {
  const paymentMethod = actor.account.collections.payment_method.get(id);
  if (!paymentMethod || paymentMethod.customer !== actor.session.customer) {
    throw new PortalActionError("This payment method could not be found.", 404);
  }
  return paymentMethod;
}

/**
 * Adds a card and makes it the default, as Stripe's portal does: `payment_method.attached`
 * then `customer.updated` with `invoice_settings.default_payment_method`.
 */
export function addPortalCard(actor: PortalActor, form: CardForm): PaymentMethod {
  requirePortalFeature(actor, "payment_method_update");
  const { account } = actor;
  const test = findTestCard(form.number);
  if (!test) throw new PortalActionError("Your card number is incorrect.", 402);
  const expiry = parseExpiry(form.expiry, account.clock.now());
  if (!/^\d{3,4}$/.test(form.cvc.trim())) {
    throw new PortalActionError("Your card's security code is incomplete.", 402);
  }
  if (test.decline && test.number !== DECLINES_ONLY_WHEN_CHARGED) {
    throw new PortalActionError(test.decline.message, 402);
  }
  const customer = findPortalCustomer(actor);
  if (!customer) throw new PortalActionError("This customer no longer exists.", 404);
  try {
    const created = createCardPaymentMethod(account, {
      numberOrToken: test.number,
      expiry,
      billingDetails: { email: customer.email, name: customer.name ?? null },
    });
    const attached = attachPaymentMethod(account, created.id, customer.id);
    setDefaultPaymentMethod(account, customer.id, attached.id);
    return attached;
  } catch (error) {
    if (error instanceof StripeApiError) throw new PortalActionError(error.message, 402);
    throw error;
  }
}

export function setPortalDefaultCard(actor: PortalActor, paymentMethodId: string) {
  requirePortalFeature(actor, "payment_method_update");
  const card = requirePortalCard(actor, paymentMethodId);
  return setDefaultPaymentMethod(actor.account, actor.session.customer, card.id);
}

/** Removing the default is refused: a subscriber should never be left without a card. */
export function removePortalCard(actor: PortalActor, paymentMethodId: string) {
  requirePortalFeature(actor, "payment_method_update");
  const card = requirePortalCard(actor, paymentMethodId);
  const customer = findPortalCustomer(actor);
  if (customer?.invoice_settings.default_payment_method === card.id) {
    throw new PortalActionError("Your default payment method cannot be removed.");
  }
  return detachPaymentMethod(actor.account, card.id);
}
