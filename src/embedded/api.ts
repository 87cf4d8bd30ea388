import type { z } from "zod";
import { summarizePlans } from "../billing/plan-list.js";
import type { Core } from "../core.js";
import { validationError } from "../errors.js";
import { newRequestId } from "../http/request-pipeline.js";
import { CheckoutRequestSchema, InvoiceListQuerySchema } from "../http/schemas/billing.js";
import { PortalRequestSchema } from "../http/schemas/portal.js";
import { toFieldIssues } from "../http/validation.js";
import { resolveHostUser } from "./host-identity.js";

/**
 * Which user a call is for: the host app's id for them, from its own session (never from a
 * client's request), and their email for a new Stripe customer's receipts.
 */
export interface ForUser {
  userId: string;
  email?: string | null | undefined;
}

function parse<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(toFieldIssues(result.error, "body"));
  return result.data;
}

/**
 * The billing core for the host's server code: server actions, jobs, its own routes. The
 * same checks and errors as the HTTP routes (the return-URL policy, allowed portal
 * configurations, rate limits, audit rows); failures throw `PorticoError`.
 */
export function createPorticoApi(core: Core) {
  const mode = core.config.stripe.appMode;
  const defaultReturnUrl = new URL("/settings/billing", core.config.appUrl).href;
  const userOf = (input: ForUser) =>
    resolveHostUser(core.database.db, { id: input.userId, email: input.email });

  return {
    /** A fresh customer-portal URL, for a redirect. */
    async createPortalSession(
      input: ForUser & Partial<z.input<typeof PortalRequestSchema>>,
    ): Promise<{ url: string }> {
      const { userId: _userId, email: _email, ...request } = input;
      const body = parse(PortalRequestSchema, { returnUrl: defaultReturnUrl, ...request });
      const user = await userOf(input);
      return core.portal.createPortalSession({
        userId: user.id,
        mode,
        ...body,
        requestId: newRequestId(),
      });
    },

    /** A Checkout session for a plan of `portico.config.json`: `{ id, url }`. */
    async createCheckout(input: ForUser & z.input<typeof CheckoutRequestSchema>) {
      const { userId: _userId, email: _email, ...request } = input;
      const body = parse(CheckoutRequestSchema, request);
      const user = await userOf(input);
      return core.checkout.startCheckout({ user, mode, ...body, requestId: newRequestId() });
    },

    /** The user's plan, status, period and card from Portico's synced copy. */
    async getSubscription(input: ForUser) {
      return core.subscriptions.getSubscription((await userOf(input)).id, mode);
    },

    /** Reads the user's subscription from Stripe now, instead of waiting for webhooks. */
    async syncSubscription(input: ForUser) {
      return core.subscriptions.syncSubscription((await userOf(input)).id, mode);
    },

    /** A page of the user's invoices, newest first. */
    async listInvoices(input: ForUser & { limit?: number; cursor?: string }) {
      const { userId: _userId, email: _email, ...query } = input;
      const page = parse(InvoiceListQuerySchema, query);
      return core.invoices.listInvoices((await userOf(input)).id, mode, page);
    },

    /** The plans of `portico.config.json`, for a pricing page. */
    async listPlans() {
      return { plans: summarizePlans(core.plans.plans) };
    },
  };
}

export type PorticoApi = ReturnType<typeof createPorticoApi>;
