import { createHash } from "node:crypto";
import type Stripe from "stripe";
import { callStripe } from "./errors.js";

/**
 * A Stripe customer for a Portico user. The idempotency key makes a retry, or a concurrent
 * request, return the same customer. It changes with `replaced` (how many of the user's
 * customers were found deleted: a replay would hand back the deleted one) and with the
 * email (Stripe refuses a key reused with other parameters).
 */
export async function createCustomerForUser(
  stripe: Stripe,
  user: { id: string; email: string | null },
  replaced = 0,
): Promise<string> {
  const customer = await callStripe(() =>
    stripe.customers.create(
      { ...(user.email ? { email: user.email } : {}), metadata: { portico_user_id: user.id } },
      { idempotencyKey: customerIdempotencyKey(user, replaced) },
    ),
  );
  return customer.id;
}

function customerIdempotencyKey(user: { id: string; email: string | null }, replaced: number) {
  // Hashed: the key travels in headers and logs; the email must not.
  const email = createHash("sha256")
    .update(user.email ?? "")
    .digest("base64url")
    .slice(0, 12);
  return `portico-customer-${user.id}-${replaced}-${email}`;
}
