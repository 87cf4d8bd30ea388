import type Stripe from "stripe";
import { z } from "zod";
import { invalidRequest, resourceMissing } from "../http/errors.js";
import { formEnum, formInteger, formString } from "../http/params.js";
import type { Account } from "../store.js";
import type { Wire } from "../wire.js";
import { assertValidUrl } from "./common.js";
import { requireObject } from "./lookup.js";

type Configuration = Wire<Stripe.BillingPortal.Configuration>;
type Flow = Stripe.BillingPortal.Session.Flow;

const FLOW_TYPES = [
  "customer_update",
  "payment_method_update",
  "subscription_cancel",
  "subscription_pause",
  "subscription_update",
  "subscription_update_confirm",
] as const;
type FlowType = (typeof FLOW_TYPES)[number];

const subscriptionRef = () => z.strictObject({ subscription: formString() });

export const flowDataSchema = z.strictObject({
  type: formEnum(FLOW_TYPES),
  after_completion: z
    .strictObject({
      type: formEnum(["hosted_confirmation", "portal_homepage", "redirect"]),
      hosted_confirmation: z
        .strictObject({ custom_message: z.string().max(500).optional() })
        .optional(),
      redirect: z.strictObject({ return_url: formString() }).optional(),
    })
    .optional(),
  subscription_cancel: z
    .strictObject({
      subscription: formString(),
      retention: z
        .strictObject({
          type: formEnum(["coupon_offer"]),
          coupon_offer: z.strictObject({ coupon: formString() }),
        })
        .optional(),
    })
    .optional(),
  subscription_pause: subscriptionRef().optional(),
  subscription_update: subscriptionRef().optional(),
  subscription_update_confirm: z
    .strictObject({
      subscription: formString(),
      items: z.array(
        z.strictObject({
          id: formString(),
          price: formString().optional(),
          quantity: formInteger({ min: 0 }).optional(),
        }),
      ),
      discounts: z
        .array(
          z.strictObject({ coupon: z.string().optional(), promotion_code: z.string().optional() }),
        )
        .optional(),
    })
    .optional(),
});
export type FlowData = z.output<typeof flowDataSchema>;

/** Which configuration feature each flow needs switched on. */
const REQUIRED_FEATURE: Record<FlowType, keyof Configuration["features"]> = {
  customer_update: "customer_update",
  payment_method_update: "payment_method_update",
  subscription_cancel: "subscription_cancel",
  subscription_pause: "subscription_pause",
  subscription_update: "subscription_update",
  subscription_update_confirm: "subscription_update",
};

type FlowContext = { account: Account; customerId: string; configuration: Configuration };

/** The subscription a flow names must exist and belong to the session's customer. */
function requireCustomerSubscription(context: FlowContext, id: string, param: string) {
  const subscription = requireObject(context.account, "subscription", id, param);
  if (subscription.customer !== context.customerId)
    throw resourceMissing("subscription", id, param);
  return subscription;
}

function assertOnlyMatchingDetails(flow: FlowData): void {
  for (const type of FLOW_TYPES) {
    if (
      type !== flow.type &&
      type in flow &&
      type !== "customer_update" &&
      type !== "payment_method_update"
    ) {
      throw invalidRequest(
        `You can only pass \`flow_data[${type}]\` when \`flow_data[type]\` is \`${type}\`.`,
        `flow_data[${type}]`,
      );
    }
  }
}

/** The details hash a subscription flow requires: `flow_data[<type>]`. */
function requireDetails<T>(details: T | undefined, type: string): T {
  if (details !== undefined) return details;
  const param = `flow_data[${type}]`;
  throw invalidRequest(`Missing required param: ${param}.`, param, "parameter_missing");
}

function buildSubscriptionDetails(flow: FlowData, context: FlowContext): Partial<Flow> {
  switch (flow.type) {
    case "subscription_cancel": {
      const details = requireDetails(flow.subscription_cancel, flow.type);
      const param = "flow_data[subscription_cancel][subscription]";
      const subscription = requireCustomerSubscription(context, details.subscription, param);
      if (subscription.status === "canceled") {
        throw invalidRequest(
          "You can’t cancel a subscription that has already been canceled.",
          param,
        );
      }
      if (details.retention) {
        // Coupons are not emulated, so any coupon offer names a missing coupon.
        throw resourceMissing(
          "coupon",
          details.retention.coupon_offer.coupon,
          "flow_data[subscription_cancel][retention][coupon_offer][coupon]",
        );
      }
      return { subscription_cancel: { retention: null, subscription: subscription.id } };
    }
    case "subscription_pause":
    case "subscription_update": {
      const details = requireDetails(flow[flow.type], flow.type);
      const param = `flow_data[${flow.type}][subscription]`;
      const subscription = requireCustomerSubscription(context, details.subscription, param);
      return { [flow.type]: { subscription: subscription.id } };
    }
    case "subscription_update_confirm": {
      const details = requireDetails(flow.subscription_update_confirm, flow.type);
      const prefix = "flow_data[subscription_update_confirm]";
      const subscription = requireCustomerSubscription(
        context,
        details.subscription,
        `${prefix}[subscription]`,
      );
      if (details.items.length === 0) {
        throw invalidRequest(
          `Missing required param: ${prefix}[items].`,
          `${prefix}[items]`,
          "parameter_missing",
        );
      }
      const items = details.items.map((item, i) => {
        if (!subscription.items.data.some((existing) => existing.id === item.id)) {
          throw resourceMissing("subscription_item", item.id, `${prefix}[items][${i}][id]`);
        }
        if (item.price)
          requireObject(context.account, "price", item.price, `${prefix}[items][${i}][price]`);
        return {
          id: item.id,
          price: item.price ?? null,
          ...(item.quantity === undefined ? {} : { quantity: item.quantity }),
        };
      });
      const discounts = details.discounts?.map((d) => ({
        coupon: d.coupon ?? null,
        promotion_code: d.promotion_code ?? null,
      }));
      return {
        subscription_update_confirm: {
          discounts: discounts ?? null,
          items,
          subscription: subscription.id,
        },
      };
    }
    default:
      return {};
  }
}

function buildAfterCompletion(flow: FlowData): Flow["after_completion"] {
  const after = flow.after_completion;
  if (!after) return { hosted_confirmation: null, redirect: null, type: "portal_homepage" };
  if (after.type === "redirect") {
    const returnUrl = after.redirect?.return_url;
    const param = "flow_data[after_completion][redirect][return_url]";
    if (!returnUrl)
      throw invalidRequest(`Missing required param: ${param}.`, param, "parameter_missing");
    assertValidUrl(returnUrl, param);
    return { hosted_confirmation: null, redirect: { return_url: returnUrl }, type: "redirect" };
  }
  return {
    hosted_confirmation:
      after.type === "hosted_confirmation"
        ? { custom_message: after.hosted_confirmation?.custom_message ?? null }
        : null,
    redirect: null,
    type: after.type,
  };
}

/**
 * Validates `flow_data` as Stripe does for a session and renders the session's `flow`:
 * the flow's feature must be on in the configuration, and subscriptions must be the customer's.
 */
export function buildPortalFlow(flow: FlowData, context: FlowContext): Flow {
  assertOnlyMatchingDetails(flow);
  const feature = REQUIRED_FEATURE[flow.type];
  if (!context.configuration.features[feature].enabled) {
    throw invalidRequest(
      `You can’t use the \`${flow.type}\` flow because the \`${feature}\` feature is disabled in the portal configuration \`${context.configuration.id}\`.`,
      "flow_data[type]",
    );
  }
  return {
    after_completion: buildAfterCompletion(flow),
    customer_update: flow.type === "customer_update" ? {} : null,
    subscription_cancel: null,
    subscription_pause: null,
    subscription_update: null,
    subscription_update_confirm: null,
    ...buildSubscriptionDetails(flow, context),
    type: flow.type,
  };
}
