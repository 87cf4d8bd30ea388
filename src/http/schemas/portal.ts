import { z } from "@hono/zod-openapi";
import { organizationIdField } from "./common.js";

/** Request vocabulary shared by both portal contracts and the OpenAPI document. */

export const PORTAL_LOCALES = [
  "auto",
  "bg",
  "cs",
  "da",
  "de",
  "el",
  "en",
  "en-AU",
  "en-CA",
  "en-GB",
  "en-IE",
  "en-IN",
  "en-NZ",
  "en-SG",
  "es",
  "es-419",
  "et",
  "fi",
  "fil",
  "fr",
  "fr-CA",
  "hr",
  "hu",
  "id",
  "it",
  "ja",
  "ko",
  "lt",
  "lv",
  "ms",
  "mt",
  "nb",
  "nl",
  "pl",
  "pt",
  "pt-BR",
  "ro",
  "ru",
  "sk",
  "sl",
  "sv",
  "th",
  "tr",
  "vi",
  "zh",
  "zh-HK",
  "zh-TW",
] as const;

export const FLOW_TYPES = [
  "payment_method_update",
  "subscription_cancel",
  "subscription_update",
  "subscription_update_confirm",
  "subscription_pause",
  "customer_update",
] as const;

export const PortalFlowSchema = z
  .object({
    type: z.enum(FLOW_TYPES),
    subscription: z
      .string()
      .regex(/^sub_[A-Za-z0-9]{1,250}$/, "must be a subscription id (sub_…)")
      .optional(),
    price: z
      .string()
      .regex(/^price_[A-Za-z0-9]{1,250}$/, "must be a price id (price_…)")
      .optional(),
  })
  .strict()
  .superRefine((flow, ctx) => {
    if (flow.type === "subscription_update_confirm" && !flow.price) {
      ctx.addIssue({
        code: "custom",
        path: ["price"],
        message: "is required for subscription_update_confirm",
      });
    }
    if (flow.type !== "subscription_update_confirm" && flow.price) {
      ctx.addIssue({
        code: "custom",
        path: ["price"],
        message: "is only allowed with subscription_update_confirm",
      });
    }
    if (
      (flow.type === "payment_method_update" || flow.type === "customer_update") &&
      flow.subscription
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["subscription"],
        message: `is not allowed with ${flow.type}`,
      });
    }
  })
  .openapi("PortalFlow", {
    description: "Open the portal directly on one task. `after_completion` returns to `returnUrl`.",
  });

export type PortalFlow = z.infer<typeof PortalFlowSchema>;

export const PortalRequestSchema = z
  .object({
    returnUrl: z.string().openapi({
      description: "Absolute URL on APP_URL's origin or one in RETURN_URL_ORIGINS",
      example: "http://localhost:3000/settings/billing",
    }),
    configuration: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .openapi({ description: "An allowed portal configuration name or id", example: "default" }),
    flow: PortalFlowSchema.optional(),
    locale: z.enum(PORTAL_LOCALES).optional(),
    organizationId: organizationIdField,
  })
  .strict()
  .openapi("PortalRequest");

export type PortalRequest = z.infer<typeof PortalRequestSchema>;

/** The no-JavaScript form: every field optional, `returnUrl` defaults to the billing page. */
export const PortalFormSchema = z
  .object({
    returnUrl: z.string().optional(),
    configuration: z.string().min(1).max(255).optional(),
    flow: z.enum(FLOW_TYPES).optional(),
    organizationId: organizationIdField,
  })
  .openapi("PortalForm");

export type PortalForm = z.infer<typeof PortalFormSchema>;

export const PortalUrlSchema = z.object({ url: z.url() });
