import type Stripe from "stripe";
import { callStripe } from "./errors.js";

/** A Stripe customer for a Portico user; the idempotency key makes a retry return the same one. */
export async function createCustomerForUser(
  stripe: Stripe,
  user: { id: string; email: string | null },
): Promise<string> {
  const customer = await callStripe(() =>
    stripe.customers.create(
      { ...(user.email ? { email: user.email } : {}), metadata: { portico_user_id: user.id } },
      { idempotencyKey: `portico-customer-${user.id}` },
    ),
  );
  return customer.id;
}
