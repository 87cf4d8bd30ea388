import type Stripe from "stripe";
import { z } from "zod";
import { invalidRequest } from "../http/errors.js";
import { emptyable, formBoolean, formEnum, formInteger, formString } from "../http/params.js";
import type { Account } from "../store.js";
import { CANCELLATION_REASONS, notEmulated, PRORATION_BEHAVIORS } from "./common.js";
import { requireObject } from "./lookup.js";

export type PortalFeatures = Stripe.BillingPortal.Configuration.Features;
type ProductEntry = Stripe.BillingPortal.Configuration.Features.SubscriptionUpdate.Product;

/** `enabled` flags Stripe requires on create but not always on update. */
function featuresSchemaFor(mode: "create" | "update") {
  const flag = () => (mode === "create" ? formBoolean() : formBoolean().optional());
  return z.strictObject({
    customer_update: z
      .strictObject({
        allowed_updates: emptyable(
          z.array(formEnum(["address", "email", "name", "phone", "shipping", "tax_id"])),
        ).optional(),
        enabled: flag(),
      })
      .optional(),
    invoice_history: z.strictObject({ enabled: formBoolean() }).optional(),
    payment_method_update: z
      .strictObject({
        enabled: formBoolean(),
        payment_method_configuration: notEmulated().optional(),
      })
      .optional(),
    subscription_cancel: z
      .strictObject({
        cancellation_reason: z
          .strictObject({
            enabled: formBoolean(),
            options:
              mode === "create"
                ? emptyable(z.array(formEnum(CANCELLATION_REASONS)))
                : emptyable(z.array(formEnum(CANCELLATION_REASONS))).optional(),
            feedback_options: notEmulated().optional(),
          })
          .optional(),
        enabled: flag(),
        mode: formEnum(["at_period_end", "immediately"]).optional(),
        proration_behavior: formEnum(PRORATION_BEHAVIORS).optional(),
      })
      .optional(),
    subscription_pause: z
      .strictObject({
        enabled: formBoolean().optional(),
        duration: z
          .strictObject({
            type: formEnum(["indefinite", "interval_options"]),
            interval_options: emptyable(
              z.array(
                z.strictObject({
                  interval: formEnum(["day", "month", "week", "year"]),
                  interval_count: formInteger({ min: 1 }).optional(),
                }),
              ),
            ).optional(),
          })
          .optional(),
      })
      .optional(),
    subscription_update: z
      .strictObject({
        billing_cycle_anchor: formEnum(["now", "unchanged"]).optional(),
        default_allowed_updates: emptyable(
          z.array(formEnum(["price", "promotion_code", "quantity"])),
        ).optional(),
        enabled: flag(),
        products: emptyable(
          z.array(
            z.strictObject({
              product: formString(),
              prices: z.array(formString()),
              adjustable_quantity: z
                .strictObject({
                  enabled: formBoolean(),
                  maximum: formInteger({ min: 1 }).optional(),
                  minimum: formInteger({ min: 0 }).optional(),
                })
                .optional(),
            }),
          ),
        ).optional(),
        proration_behavior: formEnum(PRORATION_BEHAVIORS).optional(),
        schedule_at_period_end: z
          .strictObject({
            conditions: emptyable(
              z.array(
                z.strictObject({
                  type: formEnum(["decreasing_item_amount", "shortening_interval"]),
                }),
              ),
            ).optional(),
          })
          .optional(),
        trial_update_behavior: formEnum(["continue_trial", "end_trial"]).optional(),
      })
      .optional(),
  });
}

export const createFeaturesSchema = featuresSchemaFor("create");
export const updateFeaturesSchema = featuresSchemaFor("update");
export type FeaturesParams = z.output<typeof updateFeaturesSchema>;

/** What a configuration created through the API starts from: every feature off. */
export function createDisabledFeatures(): PortalFeatures {
  return {
    customer_update: { allowed_updates: [], enabled: false },
    invoice_history: { enabled: false },
    payment_method_update: { enabled: false, payment_method_configuration: null },
    subscription_cancel: {
      cancellation_reason: { enabled: false, feedback_options: null, options: [] },
      enabled: false,
      mode: "at_period_end",
      proration_behavior: "none",
    },
    subscription_pause: { duration: { interval_options: [], type: "indefinite" }, enabled: false },
    subscription_update: {
      billing_cycle_anchor: null,
      default_allowed_updates: [],
      enabled: false,
      products: [],
      proration_behavior: "none",
      schedule_at_period_end: { conditions: [] },
      trial_update_behavior: "end_trial",
    },
  };
}

const orEmpty = <T>(value: T[] | "" | undefined, fallback: T[]): T[] =>
  value === undefined ? fallback : value === "" ? [] : value;

function mergeProducts(
  products: NonNullable<NonNullable<FeaturesParams["subscription_update"]>["products"]>,
): ProductEntry[] {
  if (products === "") return [];
  return products.map((entry) => ({
    product: entry.product,
    prices: entry.prices,
    adjustable_quantity: {
      enabled: entry.adjustable_quantity?.enabled ?? false,
      maximum: entry.adjustable_quantity?.maximum ?? null,
      minimum: entry.adjustable_quantity?.minimum ?? 1,
    },
  }));
}

/** Applies a `features` parameter over the current tree, field by field, as Stripe does. */
export function mergeFeatures(current: PortalFeatures, params: FeaturesParams): PortalFeatures {
  const { customer_update, subscription_cancel: cancel, subscription_pause: pause } = params;
  const update = params.subscription_update;
  const reason = cancel?.cancellation_reason;
  return {
    customer_update: {
      allowed_updates: orEmpty(
        customer_update?.allowed_updates,
        current.customer_update.allowed_updates,
      ),
      enabled: customer_update?.enabled ?? current.customer_update.enabled,
    },
    invoice_history: {
      enabled: params.invoice_history?.enabled ?? current.invoice_history.enabled,
    },
    payment_method_update: {
      ...current.payment_method_update,
      enabled: params.payment_method_update?.enabled ?? current.payment_method_update.enabled,
    },
    subscription_cancel: {
      cancellation_reason: {
        ...current.subscription_cancel.cancellation_reason,
        enabled: reason?.enabled ?? current.subscription_cancel.cancellation_reason.enabled,
        options: orEmpty(reason?.options, current.subscription_cancel.cancellation_reason.options),
      },
      enabled: cancel?.enabled ?? current.subscription_cancel.enabled,
      mode: cancel?.mode ?? current.subscription_cancel.mode,
      proration_behavior:
        cancel?.proration_behavior ?? current.subscription_cancel.proration_behavior,
    },
    subscription_pause: {
      duration: pause?.duration
        ? {
            type: pause.duration.type,
            interval_options: orEmpty(pause.duration.interval_options, []).map((option) => ({
              interval: option.interval,
              interval_count: option.interval_count ?? 1,
            })),
          }
        : current.subscription_pause.duration,
      enabled: pause?.enabled ?? current.subscription_pause.enabled,
    },
    subscription_update: {
      billing_cycle_anchor:
        update?.billing_cycle_anchor ?? current.subscription_update.billing_cycle_anchor,
      default_allowed_updates: orEmpty(
        update?.default_allowed_updates,
        current.subscription_update.default_allowed_updates,
      ),
      enabled: update?.enabled ?? current.subscription_update.enabled,
      products:
        update?.products === undefined
          ? current.subscription_update.products
          : mergeProducts(update.products),
      proration_behavior:
        update?.proration_behavior ?? current.subscription_update.proration_behavior,
      schedule_at_period_end: {
        conditions: orEmpty(
          update?.schedule_at_period_end?.conditions,
          current.subscription_update.schedule_at_period_end.conditions,
        ),
      },
      trial_update_behavior:
        update?.trial_update_behavior ?? current.subscription_update.trial_update_behavior,
    },
  };
}

/** Bounds are checked even while the feature is off: they are saved either way. */
function assertValidQuantityLimits(products: readonly ProductEntry[]): void {
  products.forEach((entry, i) => {
    const { maximum, minimum } = entry.adjustable_quantity;
    if (maximum !== null && maximum < minimum) {
      throw invalidRequest(
        `The maximum quantity (${maximum}) must be greater than or equal to the minimum quantity (${minimum}).`,
        `features[subscription_update][products][${i}][adjustable_quantity][maximum]`,
      );
    }
  });
}

/** Checks the merged tree the way Stripe does before saving a configuration. */
export function assertValidFeatures(account: Account, features: PortalFeatures): void {
  const reason = features.subscription_cancel.cancellation_reason;
  if (reason.enabled && reason.options.length === 0) {
    throw invalidRequest(
      "You must provide at least one cancellation reason option when cancellation reasons are enabled.",
      "features[subscription_cancel][cancellation_reason][options]",
    );
  }
  const update = features.subscription_update;
  assertValidQuantityLimits(update.products ?? []);
  if (!update.enabled) return;
  if (!update.products?.length) {
    throw invalidRequest(
      "You must provide at least one product when subscription updates are enabled.",
      "features[subscription_update][products]",
    );
  }
  update.products.forEach((entry, i) => {
    const param = `features[subscription_update][products][${i}]`;
    requireObject(account, "product", entry.product, `${param}[product]`);
    entry.prices.forEach((priceId, j) => {
      const price = requireObject(account, "price", priceId, `${param}[prices][${j}]`);
      if (price.product !== entry.product || price.type !== "recurring") {
        throw invalidRequest(
          `The price \`${priceId}\` must be a recurring price of product \`${entry.product}\`.`,
          `${param}[prices][${j}]`,
        );
      }
    });
  });
}
