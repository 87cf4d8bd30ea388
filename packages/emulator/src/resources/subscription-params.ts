import { z } from "zod";
import {
  emptyable,
  expandParam,
  formBoolean,
  formEnum,
  formInteger,
  formString,
  listParamShape,
  metadataParam,
  rangeFilter,
} from "../http/params.js";
import { CANCELLATION_REASONS, notEmulated, PRORATION_BEHAVIORS } from "./common.js";

const PAYMENT_BEHAVIOR = [
  "allow_incomplete",
  "default_incomplete",
  "error_if_incomplete",
  "pending_if_incomplete",
] as const;
export const SUBSCRIPTION_STATUSES = [
  "active",
  "all",
  "canceled",
  "ended",
  "incomplete",
  "incomplete_expired",
  "past_due",
  "paused",
  "trialing",
  "unpaid",
] as const;

const trialEndParam = () => z.union([z.literal("now"), formInteger({ min: 0 })]);

/** What happens when a trial ends with no payment method to charge. */
export const trialSettingsParam = () =>
  z.strictObject({
    end_behavior: z.strictObject({
      missing_payment_method: formEnum(["cancel", "create_invoice", "pause"]),
    }),
  });

/** Parameters Stripe accepts on both create and update that the emulator does not model. */
const unmodeledShape = {
  add_invoice_items: notEmulated().optional(),
  application_fee_percent: notEmulated().optional(),
  automatic_tax: notEmulated().optional(),
  billing_schedules: notEmulated().optional(),
  billing_thresholds: notEmulated().optional(),
  default_source: notEmulated().optional(),
  default_tax_rates: notEmulated().optional(),
  discounts: notEmulated().optional(),
  invoice_settings: notEmulated().optional(),
  on_behalf_of: notEmulated().optional(),
  payment_settings: notEmulated().optional(),
  pending_invoice_item_interval: notEmulated().optional(),
  transfer_data: notEmulated().optional(),
  trial_settings: notEmulated().optional(),
};

const sharedShape = {
  ...unmodeledShape,
  cancel_at: emptyable(formInteger({ min: 0 })).optional(),
  cancel_at_period_end: formBoolean().optional(),
  collection_method: formEnum(["charge_automatically", "send_invoice"]).optional(),
  days_until_due: formInteger({ min: 0 }).optional(),
  default_payment_method: emptyable(z.string()).optional(),
  description: emptyable(z.string()).optional(),
  expand: expandParam(),
  metadata: metadataParam().optional(),
  off_session: formBoolean().optional(),
  payment_behavior: formEnum(PAYMENT_BEHAVIOR).optional(),
  proration_behavior: formEnum(PRORATION_BEHAVIORS).optional(),
  trial_end: trialEndParam().optional(),
  trial_from_plan: formBoolean().optional(),
};

const itemShape = {
  metadata: metadataParam().optional(),
  quantity: formInteger({ min: 0 }).optional(),
  billing_thresholds: notEmulated().optional(),
  discounts: notEmulated().optional(),
  plan: notEmulated().optional(),
  price_data: notEmulated().optional(),
  tax_rates: notEmulated().optional(),
};

export const createSubscriptionSchema = z.strictObject({
  ...sharedShape,
  customer: formString(),
  items: z.array(z.strictObject({ ...itemShape, price: formString() })).min(1),
  trial_settings: trialSettingsParam().optional(),
  currency: z.string().optional(),
  trial_period_days: formInteger({ min: 0, max: 730 }).optional(),
  backdate_start_date: notEmulated().optional(),
  billing_cycle_anchor: notEmulated().optional(),
  billing_cycle_anchor_config: notEmulated().optional(),
  billing_mode: notEmulated().optional(),
  customer_account: notEmulated().optional(),
});

export const updateSubscriptionSchema = z.strictObject({
  ...sharedShape,
  items: z
    .array(
      z.strictObject({
        ...itemShape,
        id: formString().optional(),
        price: formString().optional(),
        deleted: formBoolean().optional(),
        clear_usage: formBoolean().optional(),
      }),
    )
    .optional(),
  cancellation_details: z
    .strictObject({
      comment: emptyable(z.string()).optional(),
      feedback: emptyable(formEnum(CANCELLATION_REASONS)).optional(),
    })
    .optional(),
  proration_date: formInteger().optional(),
  billing_cycle_anchor: notEmulated().optional(),
  pause_collection: emptyable(
    z.strictObject({
      behavior: formEnum(["keep_as_draft", "mark_uncollectible", "void"]),
      resumes_at: formInteger({ min: 0 }).optional(),
    }),
  ).optional(),
});

export const resumeSubscriptionSchema = z.strictObject({
  billing_cycle_anchor: z.strictObject({ type: formEnum(["now", "unchanged"]) }).optional(),
  expand: expandParam(),
  // `resume_on_payment_success` (stay paused until paid) is not emulated.
  payment_behavior: formEnum(["resume_on_payment_attempt"]).optional(),
  proration_behavior: formEnum(PRORATION_BEHAVIORS).optional(),
  proration_date: formInteger().optional(),
});

export const cancelSubscriptionSchema = z.strictObject({
  cancellation_details: updateSubscriptionSchema.shape.cancellation_details,
  expand: expandParam(),
  invoice_now: formBoolean().optional(),
  prorate: formBoolean().optional(),
});

export const listSubscriptionsSchema = z.strictObject({
  ...listParamShape,
  collection_method: formEnum(["charge_automatically", "send_invoice"]).optional(),
  created: rangeFilter().optional(),
  current_period_end: rangeFilter().optional(),
  current_period_start: rangeFilter().optional(),
  customer: z.string().optional(),
  plan: z.string().optional(),
  price: z.string().optional(),
  status: formEnum(SUBSCRIPTION_STATUSES).optional(),
  automatic_tax: notEmulated().optional(),
  customer_account: notEmulated().optional(),
  test_clock: notEmulated().optional(),
});

export type CreateSubscriptionParams = z.output<typeof createSubscriptionSchema>;
export type UpdateSubscriptionParams = z.output<typeof updateSubscriptionSchema>;
