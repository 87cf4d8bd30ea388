import type { EventOrigin } from "../events.js";
import type { Account } from "../store.js";
import {
  attachPaymentMethod,
  type PaymentMethod,
  requireAttachedPaymentMethod,
  resolvePaymentMethod,
} from "./payment-methods.js";
import { isCardToken } from "./test-cards.js";

/**
 * A payment method a customer will be charged with. Stripe's test tokens (`pm_card_visa`)
 * are accepted wherever an id is: each use creates a fresh card and attaches it to the
 * customer (`payment_method.attached`). A real id must already belong to the customer.
 */
export function resolveCustomerPaymentMethod(
  account: Account,
  customerId: string,
  idOrToken: string,
  param: string,
  origin?: EventOrigin,
): PaymentMethod {
  if (!isCardToken(idOrToken)) {
    return requireAttachedPaymentMethod(account, customerId, idOrToken, param);
  }
  const created = resolvePaymentMethod(account, idOrToken, param);
  return attachPaymentMethod(account, created.id, customerId, origin);
}
