import { z } from "@hono/zod-openapi";
import { organizationIdField } from "./common.js";

/**
 * Response and request shapes of `/api/billing/subscription`, `/sync`, `/checkout`, `/plans`
 * and `/invoices`.
 */

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
    hasCustomer: z.boolean().openapi({
      description:
        "The subject has a Stripe customer, so the billing portal can open (invoices, cards), " +
        "even without a subscription",
    }),
    seats: z.number().int().nullable().openapi({
      description: "A per-seat plan's seats (the item's quantity); null for other plans",
      example: null,
    }),
  })
  .openapi("SubscriptionView");

const seatsField = z
  .number()
  .int({ error: "must be a whole number" })
  .min(1, { error: "must be at least 1" })
  .max(1_000_000, { error: "must be at most 1000000" });

export const CheckoutRequestSchema = z
  .object({
    plan: z.string().min(1).max(64).optional().openapi({
      description: "A paid plan's key in portico.config.json; give plan or price, not both",
      example: "pro",
    }),
    interval: z.enum(["monthly", "annual"]).optional().openapi({
      description: "Which of the plan's prices; only with plan (default monthly)",
    }),
    price: z.string().min(1).max(255).optional().openapi({
      description: "Lookup key of a plan price in portico.config.json, instead of plan",
      example: "pro_monthly",
    }),
    successUrl: z.string().optional().openapi({
      description: "Where Stripe sends the user after paying; default APP_URL/settings/billing",
    }),
    cancelUrl: z.string().optional().openapi({
      description: "Where Stripe sends the user on cancel; default APP_URL/settings/billing",
    }),
    organizationId: organizationIdField,
    seats: seatsField.optional().openapi({
      description:
        "Per-seat plans only: the seats to buy, within the plan's bounds; default the " +
        "organization's member count (at least the plan's minimum)",
    }),
  })
  .strict()
  .openapi("CheckoutRequest");

export const SeatsRequestSchema = z
  .object({ organizationId: organizationIdField, seats: seatsField })
  .strict()
  .openapi("SeatsRequest");

/** `POST /sync` may name its organization in a JSON body or in the query. */
export const SyncRequestSchema = z
  .object({ organizationId: organizationIdField })
  .strict()
  .openapi("SyncRequest");

export const CheckoutSessionSchema = z
  .object({ id: z.string(), url: z.url() })
  .openapi("CheckoutSession");

const PriceSummarySchema = z
  .object({
    lookupKey: z.string().openapi({ example: "pro_monthly" }),
    amount: z.number().int().openapi({ description: "Minor units: 2900 is $29.00", example: 2900 }),
    currency: z.string().openapi({ example: "usd" }),
  })
  .nullable();

export const PlanListSchema = z
  .object({
    plans: z.array(
      z
        .object({
          key: z.string().openapi({ example: "pro" }),
          name: z.string().openapi({ example: "Pro" }),
          description: z.string().nullable(),
          features: z.array(z.string()),
          trialPeriodDays: z.number().int().nullable(),
          prices: z.object({ monthly: PriceSummarySchema, annual: PriceSummarySchema }).openapi({
            description: "Both null for a free plan",
          }),
          seats: z
            .object({ minimum: z.number().int(), maximum: z.number().int().nullable() })
            .nullable()
            .openapi({
              description: "A per-seat plan's bounds (its amounts are per seat); else null",
            }),
        })
        .openapi("PlanSummary"),
    ),
  })
  .openapi("PlanList");

export const InvoiceListQuerySchema = z.object({
  limit: z.coerce
    .number({ error: "must be a whole number from 1 to 100" })
    .int({ error: "must be a whole number from 1 to 100" })
    .min(1, { error: "must be a whole number from 1 to 100" })
    .max(100, { error: "must be a whole number from 1 to 100" })
    .default(10)
    .openapi({
      description: "Invoices per page, 1 to 100",
      example: 10,
    }),
  cursor: z.string().max(400).optional().openapi({
    description: "The previous page's nextCursor",
  }),
  organizationId: organizationIdField,
});

const isoTimestamp = z.string().openapi({ example: "2026-12-01T00:00:00.000Z" });
const minorUnits = z.number().int().openapi({ description: "Minor units", example: 2900 });

export const InvoicePageSchema = z
  .object({
    invoices: z.array(
      z
        .object({
          id: z.string().openapi({ example: "in_1PqR" }),
          number: z.string().nullable(),
          status: z.string().nullable().openapi({ example: "paid" }),
          currency: z.string().openapi({ example: "usd" }),
          total: minorUnits,
          amountDue: minorUnits,
          amountPaid: minorUnits,
          created: isoTimestamp,
          periodStart: isoTimestamp.nullable(),
          periodEnd: isoTimestamp.nullable(),
          hostedInvoiceUrl: z.string().nullable(),
          invoicePdf: z.string().nullable(),
        })
        .openapi("Invoice"),
    ),
    nextCursor: z.string().nullable().openapi({ description: "Null on the last page" }),
  })
  .openapi("InvoicePage");
