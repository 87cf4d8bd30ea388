import { linkBillingCustomer } from "../../db/billing-customers.js";
import { assignSubscriptionsToSubject } from "../../db/billing-subscriptions.js";
import {
  checkoutReference,
  checkoutSubject,
  completeCheckoutSession,
  findCheckoutSession,
} from "../../db/checkout-sessions.js";
import type { CheckoutSessionSnapshot, SyncEvent } from "../../stripe/sync-types.js";
import { mirroredSubscription } from "./subscriptions.js";
import { type SyncContext, unexpectedObject } from "./sync-context.js";
import { type SyncOutcome, syncObject } from "./watermark.js";

export const CHECKOUT_EVENTS = ["checkout.session.completed"] as const;

/**
 * `checkout.session.completed` links the session's customer to a subject only when Portico
 * created that session, for that subject and that customer: `client_reference_id` and
 * metadata are set by whoever creates a session, so on their own they prove nothing.
 */
export async function applyCheckoutEvent(ctx: SyncContext, event: SyncEvent): Promise<SyncOutcome> {
  if (event.object.kind !== "checkout_session") throw unexpectedObject(event);
  const session: CheckoutSessionSnapshot | undefined =
    ctx.source === "refetch"
      ? await ctx.stripe.fetchCheckoutSession(event.object.session.id)
      : event.object.session;
  if (session?.status !== "complete") return "stale";

  const ours = await findCheckoutSession(ctx.tx, session.id);
  const matches =
    ours !== undefined &&
    session.customerId !== null &&
    ours.stripeCustomerId === session.customerId &&
    checkoutReference(ours) === session.clientReferenceId &&
    ours.livemode === session.livemode;
  if (!ours || !matches || !session.customerId) {
    ctx.logger.warn(
      { event: event.id, session: session.id, known: ours !== undefined },
      "checkout session not created by Portico for this customer; not linking it",
    );
    return "applied";
  }

  const subject = checkoutSubject(ours);
  await linkBillingCustomer(ctx.tx, subject, ours.livemode, session.customerId);
  await assignSubscriptionsToSubject(ctx.tx, session.customerId, subject);
  await completeCheckoutSession(ctx.tx, session.id, session.subscriptionId);
  // The user is about to land on the success page: have the subscription ready, fetched
  // (whatever SYNC_SOURCE says: the session's event does not carry it).
  if (session.subscriptionId) {
    await syncObject(ctx, mirroredSubscription, session.subscriptionId, {
      created: event.created,
    });
  }
  return "applied";
}
