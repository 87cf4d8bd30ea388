import { findCustomerOwner } from "../../db/billing-customers.js";
import {
  deleteBillingSubscription,
  subscriptionsTable,
  upsertBillingSubscription,
} from "../../db/billing-subscriptions.js";
import { subjectColumns } from "../../db/subjects.js";
import type { SubscriptionSnapshot, SyncEvent } from "../../stripe/sync-types.js";
import { type SyncContext, unexpectedObject } from "./sync-context.js";
import { fromUnix, type MirroredObject, syncObject } from "./watermark.js";

export const SUBSCRIPTION_EVENTS = [
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "customer.subscription.paused",
  "customer.subscription.resumed",
  "customer.subscription.trial_will_end",
  "customer.subscription.pending_update_applied",
  "customer.subscription.pending_update_expired",
] as const;

export const mirroredSubscription: MirroredObject<SubscriptionSnapshot> = {
  table: subscriptionsTable,
  fetch: (stripe, id) => stripe.fetchSubscription(id),
  async write(ctx, subscription, watermark) {
    const owner = await findCustomerOwner(ctx.tx, subscription.customerId);
    const plan =
      (subscription.priceLookupKey && ctx.plans.planForPrice(subscription.priceLookupKey)) ||
      (subscription.priceId && ctx.plans.planForPrice(subscription.priceId)) ||
      undefined;
    await upsertBillingSubscription(ctx.tx, {
      stripeSubscriptionId: subscription.id,
      stripeCustomerId: subscription.customerId,
      ...(owner ? subjectColumns(owner.subject) : { userId: null, organizationId: null }),
      livemode: subscription.livemode,
      status: subscription.status,
      planKey: plan?.key ?? null,
      priceId: subscription.priceId,
      productId: subscription.productId,
      quantity: subscription.quantity,
      cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
      cancelAt: fromUnix(subscription.cancelAt),
      canceledAt: fromUnix(subscription.canceledAt),
      cancellationReason: subscription.cancellationReason,
      currentPeriodStart: fromUnix(subscription.currentPeriodStart),
      currentPeriodEnd: fromUnix(subscription.currentPeriodEnd),
      trialEnd: fromUnix(subscription.trialEnd),
      pauseCollection: subscription.pauseCollection,
      defaultPaymentMethodId: subscription.defaultPaymentMethodId,
      created: new Date(subscription.created * 1000),
      stripeUpdated: watermark,
    });
  },
  // Stripe keeps canceled subscriptions; one that is gone was never ours to keep.
  remove: (ctx, id) => deleteBillingSubscription(ctx.tx, id),
};

/** `customer.subscription.*`: the subscription as Stripe has it now. */
export async function applySubscriptionEvent(ctx: SyncContext, event: SyncEvent) {
  if (event.object.kind !== "subscription") throw unexpectedObject(event);
  const { subscription } = event.object;
  return syncObject(ctx, mirroredSubscription, subscription.id, {
    created: event.created,
    snapshot: subscription,
  });
}
