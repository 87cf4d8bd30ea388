import type { z } from "zod";
import type { SubjectAction } from "../billing/organizations.js";
import { summarizePlans } from "../billing/plan-list.js";
import type { Core } from "../core.js";
import { validationError } from "../errors.js";
import { newRequestId } from "../http/request-pipeline.js";
import {
  CheckoutRequestSchema,
  InvoiceListQuerySchema,
  SeatsRequestSchema,
} from "../http/schemas/billing.js";
import { PortalRequestSchema } from "../http/schemas/portal.js";
import { toFieldIssues } from "../http/validation.js";
import { resolveHostUser } from "./host-identity.js";
import type { HostSubjects } from "./host-subjects.js";

/**
 * Which user a call is for: the host app's id for them, from its own session (never from a
 * client's request), and their email for a new Stripe customer's receipts. With
 * `organizationId`, the call is for that organization's billing, as `authorize` allows.
 */
export interface ForUser {
  userId: string;
  email?: string | null | undefined;
  /** The host app's organization id: bill the organization instead of the user. */
  organizationId?: string | undefined;
}

function parse<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(toFieldIssues(result.error, "body"));
  return result.data;
}

/**
 * The billing core for the host's server code: server actions, jobs, its own routes. The
 * same checks and errors as the HTTP routes (the return-URL policy, allowed portal
 * configurations, rate limits, audit rows, `authorize` for organizations); failures throw
 * `PorticoError`.
 */
export function createPorticoApi(core: Core, subjects: HostSubjects) {
  const mode = core.config.stripe.appMode;
  const defaultReturnUrl = new URL("/settings/billing", core.config.appUrl).href;

  /** The Portico user behind the host's id, and the subject the call may act on. */
  async function resolve(input: ForUser, action: SubjectAction) {
    const hostUser = { id: input.userId, email: input.email };
    const user = await resolveHostUser(core.database.db, hostUser);
    const subject = await subjects(user, hostUser, input.organizationId, action, undefined);
    return { user, subject };
  }

  /** The request's own fields, without who it is for. */
  function fieldsOf<T extends ForUser>(input: T) {
    const { userId: _userId, email: _email, organizationId: _organizationId, ...fields } = input;
    return fields;
  }

  return {
    /** A fresh customer-portal URL, for a redirect. */
    async createPortalSession(
      input: ForUser & Omit<Partial<z.input<typeof PortalRequestSchema>>, "organizationId">,
    ): Promise<{ url: string }> {
      const body = parse(PortalRequestSchema, { returnUrl: defaultReturnUrl, ...fieldsOf(input) });
      const { user, subject } = await resolve(input, "manage");
      return core.portal.createPortalSession({
        subject,
        actor: user,
        mode,
        ...body,
        requestId: newRequestId(),
      });
    },

    /** A Checkout session for a plan of `portico.config.json`: `{ id, url }`. */
    async createCheckout(
      input: ForUser & Omit<z.input<typeof CheckoutRequestSchema>, "organizationId">,
    ) {
      const body = parse(CheckoutRequestSchema, fieldsOf(input));
      const { user, subject } = await resolve(input, "purchase");
      return core.checkout.startCheckout({
        subject,
        actor: user,
        mode,
        ...body,
        requestId: newRequestId(),
      });
    },

    /** The subject's plan, status, period, seats and card from Portico's synced copy. */
    async getSubscription(input: ForUser) {
      const { subject } = await resolve(input, "view");
      return core.subscriptions.getSubscription(subject, mode);
    },

    /** Reads the subject's subscription from Stripe now, instead of waiting for webhooks. */
    async syncSubscription(input: ForUser) {
      const { subject } = await resolve(input, "view");
      return core.subscriptions.syncSubscription(subject, mode);
    },

    /** A page of the subject's invoices, newest first. */
    async listInvoices(input: ForUser & { limit?: number; cursor?: string }) {
      const page = parse(InvoiceListQuerySchema, fieldsOf(input));
      const { subject } = await resolve(input, "view");
      return core.invoices.listInvoices(subject, mode, page);
    },

    /**
     * Sets a per-seat subscription's seats (for an organization: after its membership
     * changed), prorated like the portal's plan changes; answers the updated view.
     */
    async setSeats(input: ForUser & { seats: number }) {
      const { seats } = parse(SeatsRequestSchema, fieldsOf(input));
      const { subject } = await resolve(input, "manage");
      return core.seats.setSeats(subject, seats, mode);
    },

    /** The plans of `portico.config.json`, for a pricing page. */
    async listPlans() {
      return { plans: summarizePlans(core.plans.plans) };
    },
  };
}

export type PorticoApi = ReturnType<typeof createPorticoApi>;
