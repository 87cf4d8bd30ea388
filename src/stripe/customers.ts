import { createHash } from "node:crypto";
import type Stripe from "stripe";
import { callStripe } from "./errors.js";

/** What a new customer is created for: a Portico user or organization, and its contact. */
export interface CustomerHolder {
  type: "user" | "organization";
  id: string;
  email: string | null;
  /** An organization's name; a user's customer is created without one. */
  name?: string | null | undefined;
}

/**
 * A Stripe customer for a Portico subject. The idempotency key makes a retry, or a
 * concurrent request, return the same customer. It changes with `replaced` (how many of
 * the subject's customers were found deleted: a replay would hand back the deleted one)
 * and with the contact (Stripe refuses a key reused with other parameters).
 */
export async function createCustomerFor(
  stripe: Stripe,
  holder: CustomerHolder,
  replaced = 0,
): Promise<string> {
  const metadata: Record<string, string> =
    holder.type === "user"
      ? { portico_user_id: holder.id }
      : { portico_organization_id: holder.id };
  const customer = await callStripe(() =>
    stripe.customers.create(
      {
        ...(holder.email ? { email: holder.email } : {}),
        ...(holder.name ? { name: holder.name } : {}),
        metadata,
      },
      { idempotencyKey: customerIdempotencyKey(holder, replaced) },
    ),
  );
  return customer.id;
}

function customerIdempotencyKey(holder: CustomerHolder, replaced: number) {
  // Hashed: the key travels in headers and logs; the contact must not.
  const contact = createHash("sha256")
    .update(holder.type === "user" ? (holder.email ?? "") : `${holder.email}\n${holder.name}`)
    .digest("base64url")
    .slice(0, 12);
  // A user's key keeps its original form, so a retry across an upgrade replays the same customer.
  const subject = holder.type === "user" ? holder.id : `organization-${holder.id}`;
  return `portico-customer-${subject}-${replaced}-${contact}`;
}
