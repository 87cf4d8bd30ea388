import { z } from "zod";

/**
 * The shape of `portico.config.json`, defined once. The JSON Schema editors
 * autocomplete from (`portico.config.schema.json`) is generated from it by
 * `npm run config:schema`. Field names follow Stripe's API where the field is
 * Stripe's, so the portal `features` tree reads like Stripe's documentation.
 */

const key = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "use lowercase letters, digits, _ and - (at most 64)");

const httpsUrl = z.url({ protocol: /^https?$/ });

const price = z.strictObject({
  amount: z
    .number()
    .int()
    .min(0)
    .describe("In the currency's minor unit: 900 is $9.00. Per seat when the plan has `seats`"),
  lookup_key: key
    .optional()
    .describe("The Stripe lookup_key Portico manages; default `<plan>_monthly` or `<plan>_annual`"),
});

const seats = z
  .strictObject({
    minimum: z
      .number()
      .int()
      .min(1)
      .default(1)
      .describe("The fewest seats a subscription may have"),
    maximum: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe("The most seats a subscription may have; omit for no limit"),
  })
  .refine((bounds) => bounds.maximum === undefined || bounds.maximum >= bounds.minimum, {
    message: "maximum must be at least minimum",
    path: ["maximum"],
  })
  .describe(
    "Makes the plan per-seat: the subscription item's quantity is the seat count and each price's amount is charged per seat",
  );

const plan = z
  .strictObject({
    key: key.describe("Stable identifier, stored as the product's metadata.portico_key"),
    name: z.string().min(1).max(250),
    description: z.string().max(500).optional(),
    features: z.array(z.string().min(1).max(80)).max(15).default([]).describe("Display strings"),
    entitlements: z
      .record(key, z.union([z.boolean(), z.number(), z.string()]))
      .default({})
      .describe("What the plan grants, read by your app; not sent to Stripe"),
    seats: seats.optional(),
    prices: z
      .strictObject({
        currency: z
          .string()
          .regex(/^[a-z]{3}$/, "a lowercase ISO currency code such as usd")
          .default("usd"),
        trial_period_days: z.number().int().min(1).max(730).optional(),
        monthly: price.optional(),
        annual: price.optional(),
      })
      .optional()
      .describe("Omit for a free plan"),
  })
  // A seat count only means something as the quantity of a paid subscription item.
  .superRefine((plan, ctx) => {
    if (plan.seats && !plan.prices)
      ctx.addIssue({
        code: "custom",
        path: ["seats"],
        message: `plan "${plan.key}" is free (no prices), so it cannot be per-seat; remove seats or add prices`,
      });
  });

// Stripe's own enum; the emulator keeps its copy, since src/ never imports the emulator.
const cancellationReason = z.enum([
  "customer_service",
  "low_quality",
  "missing_features",
  "other",
  "switched_service",
  "too_complex",
  "too_expensive",
  "unused",
]);
const prorationBehavior = z.enum(["always_invoice", "create_prorations", "none"]);

const adjustableQuantity = z
  .strictObject({
    enabled: z.boolean().describe("Whether the customer may change the seat count in the portal"),
    minimum: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("The fewest seats the portal allows; default the plan's seats.minimum"),
    maximum: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe("The most seats the portal allows; default the plan's seats.maximum"),
  })
  .describe(
    'Lets customers change the quantity (seats) of a per-seat plan; needs "quantity" in default_allowed_updates',
  );

const features = z.strictObject({
  customer_update: z
    .strictObject({
      enabled: z.boolean(),
      allowed_updates: z
        .array(z.enum(["address", "email", "name", "phone", "shipping", "tax_id"]))
        .default([]),
    })
    .optional(),
  invoice_history: z.strictObject({ enabled: z.boolean() }).optional(),
  payment_method_update: z.strictObject({ enabled: z.boolean() }).optional(),
  subscription_cancel: z
    .strictObject({
      enabled: z.boolean(),
      mode: z.enum(["at_period_end", "immediately"]).default("at_period_end"),
      proration_behavior: prorationBehavior.default("none"),
      cancellation_reason: z
        .strictObject({ enabled: z.boolean(), options: z.array(cancellationReason).default([]) })
        .optional(),
    })
    .optional(),
  subscription_pause: z.strictObject({ enabled: z.boolean() }).optional(),
  subscription_update: z
    .strictObject({
      enabled: z.boolean(),
      products: z
        .array(
          z.strictObject({
            plan: key.describe("A plan key from `plans`"),
            prices: z
              .array(z.enum(["monthly", "annual"]))
              .min(1)
              .default(["monthly", "annual"]),
            adjustable_quantity: adjustableQuantity.optional(),
          }),
        )
        .default([]),
      default_allowed_updates: z
        .array(z.enum(["price", "promotion_code", "quantity"]))
        .default(["price"])
        .describe(
          "What customers may change on the listed products; include quantity when a product has adjustable_quantity",
        ),
      proration_behavior: prorationBehavior.default("create_prorations"),
      schedule_at_period_end: z
        .strictObject({
          conditions: z.array(z.enum(["decreasing_item_amount", "shortening_interval"])),
        })
        .optional(),
    })
    .optional(),
});

const portalConfiguration = z.strictObject({
  name: key.describe("Stored as metadata.portico_key; what clients pass as `configuration`"),
  default: z.boolean().default(false).describe("Exactly one configuration is the default"),
  business_profile: z
    .strictObject({
      headline: z.string().max(60).optional(),
      privacy_policy_url: httpsUrl.optional(),
      terms_of_service_url: httpsUrl.optional(),
    })
    .default({}),
  default_return_url: httpsUrl.optional(),
  features,
});

export const BillingConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  allowed_origins: z
    .array(httpsUrl)
    .default([])
    .describe("Origins return and success URLs may use, besides APP_URL and RETURN_URL_ORIGINS"),
  plans: z.array(plan).default([]),
  portal_configurations: z.array(portalConfiguration).default([]),
});

export type BillingConfig = z.output<typeof BillingConfigSchema>;
/** `portico.config.json` as written: defaulted fields may be left out. */
export type BillingConfigInput = z.input<typeof BillingConfigSchema>;
export type PlanConfig = BillingConfig["plans"][number];
export type PortalConfigurationConfig = BillingConfig["portal_configurations"][number];
export type PortalFeaturesConfig = PortalConfigurationConfig["features"];
export type PriceInterval = "monthly" | "annual";
export type PortalProductConfig = NonNullable<
  PortalFeaturesConfig["subscription_update"]
>["products"][number];

/** The JSON Schema published beside the example file, for editors. */
export function createBillingConfigJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(BillingConfigSchema, { io: "input", target: "draft-2020-12" }),
    title: "Portico billing configuration (portico.config.json)",
  };
}
