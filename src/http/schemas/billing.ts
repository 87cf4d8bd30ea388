import { z } from "@hono/zod-openapi";

/** Response and request shapes of `/api/billing/subscription`, `/sync` and `/checkout`. */

const isoDate = z.string().nullable().openapi({ example: "2026-12-01T00:00:00.000Z" });

export const SubscriptionViewSchema = z
  .object({
    plan: z.string().openapi({
      description:
        "Plan key the user is entitled to now; the free plan without a paying subscription",
      example: "pro",
    }),
    status: z.string().nullable().openapi({
      description: "Stripe's subscription status; null without one",
      example: "active",
    }),
    currentPeriodEnd: isoDate,
    cancelAtPeriodEnd: z.boolean(),
    cancelAt: isoDate,
    trialEnd: isoDate,
    paymentMethod: z
      .object({
        brand: z.string(),
        last4: z.string(),
        expMonth: z.number().int(),
        expYear: z.number().int(),
      })
      .nullable(),
    entitlements: z
      .record(z.string(), z.union([z.boolean(), z.number(), z.string()]))
      .openapi({ description: "The plan's entitlements from portico.config.json" }),
  })
  .openapi("SubscriptionView");

export const CheckoutRequestSchema = z
  .object({
    price: z.string().min(1).max(255).openapi({
      description: "Lookup key of a plan price in portico.config.json",
      example: "pro_monthly",
    }),
    successUrl: z.string().optional().openapi({
      description: "Where Stripe sends the user after paying; default APP_URL/settings/billing",
    }),
    cancelUrl: z.string().optional().openapi({
      description: "Where Stripe sends the user on cancel; default APP_URL/settings/billing",
    }),
  })
  .strict()
  .openapi("CheckoutRequest");

export const CheckoutSessionSchema = z
  .object({ id: z.string(), url: z.url() })
  .openapi("CheckoutSession");
