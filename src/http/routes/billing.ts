import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { CheckoutService } from "../../billing/checkout.js";
import type { InvoiceListService } from "../../billing/invoice-list.js";
import { summarizePlans } from "../../billing/plan-list.js";
import type { PlanCatalog } from "../../billing/plans.js";
import type { SeatService } from "../../billing/seat-changes.js";
import type { SubscriptionService } from "../../billing/subscriptions.js";
import type { Config } from "../../config.js";
import { limitBody } from "../body-limit.js";
import type { AppEnv } from "../context.js";
import { type Identify, requireUser } from "../identify.js";
import {
  CheckoutRequestSchema,
  CheckoutSessionSchema,
  InvoiceListQuerySchema,
  InvoicePageSchema,
  PlanListSchema,
  SeatsRequestSchema,
  SubscriptionViewSchema,
  SyncRequestSchema,
} from "../schemas/billing.js";
import {
  BearerSecurity,
  errorResponses,
  SubjectQuerySchema,
  successEnvelope,
} from "../schemas/common.js";
import type { SubjectAccess } from "../subject-access.js";
import { validationHook } from "../validation.js";

const CHECKOUT_BODY_LIMIT = 16 * 1024;

const subscriptionView = {
  content: { "application/json": { schema: successEnvelope(SubscriptionViewSchema) } },
};

const getSubscriptionRoute = createRoute({
  method: "get",
  path: "/subscription",
  tags: ["billing"],
  summary: "The signed-in user's plan, subscription and card",
  description:
    "Read from Portico's copy, kept current by Stripe's webhooks; answers the free plan " +
    "when the user has no Stripe customer.",
  security: BearerSecurity,
  request: { query: SubjectQuerySchema },
  responses: {
    200: { description: "The subject's subscription", ...subscriptionView },
    ...errorResponses([401, 404, 422, 500, 503]),
  },
});

const syncRoute = createRoute({
  method: "post",
  path: "/sync",
  tags: ["billing"],
  summary: "Refresh the signed-in user's billing state from Stripe now",
  description:
    "Rate limited per user (RATE_LIMIT_SYNC). Answers the refreshed subscription. With the " +
    "session cookie it requires a same-origin Origin or Referer (403 otherwise).",
  security: BearerSecurity,
  request: {
    query: SubjectQuerySchema,
    body: { required: false, content: { "application/json": { schema: SyncRequestSchema } } },
  },
  responses: {
    200: { description: "The refreshed subscription", ...subscriptionView },
    ...errorResponses([401, 403, 404, 422, 429, 500, 503]),
  },
});

const seatsRoute = createRoute({
  method: "post",
  path: "/seats",
  tags: ["billing"],
  summary: "Change a per-seat subscription's seats",
  description:
    "Sets the quantity of the subject's per-seat subscription, within the plan's bounds, " +
    "prorated like the default portal configuration's plan changes. Answers the updated " +
    "subscription. 409 CONFLICT without a per-seat subscription. For an organization, its " +
    "owners, admins and billing members only (404 for anyone else). Rate limited like " +
    "checkout (RATE_LIMIT_CHECKOUT).",
  security: BearerSecurity,
  request: {
    body: { required: true, content: { "application/json": { schema: SeatsRequestSchema } } },
  },
  responses: {
    200: { description: "The updated subscription", ...subscriptionView },
    ...errorResponses([401, 403, 404, 409, 422, 429, 500, 502, 503]),
  },
});

const checkoutRoute = createRoute({
  method: "post",
  path: "/checkout",
  tags: ["billing"],
  summary: "Start a Stripe Checkout for a plan price",
  description:
    "Name the price by `plan` (and `interval`, default monthly) or by `price` (a lookup key), " +
    "exactly one of the two. Creates the user's Stripe customer on first use (once, even under " +
    "concurrent requests) and a subscription Checkout session. 409 ALREADY_SUBSCRIBED when " +
    "the user already has an active or trialing subscription. Rate limited per user " +
    "(RATE_LIMIT_CHECKOUT). With the session cookie it requires a same-origin Origin or " +
    "Referer (403 otherwise). With `organizationId`, a checkout for the organization, by " +
    "its owners, admins and billing members (404 for anyone else); a per-seat plan buys " +
    "`seats`, default the member count.",
  security: BearerSecurity,
  request: {
    body: { required: true, content: { "application/json": { schema: CheckoutRequestSchema } } },
  },
  responses: {
    200: {
      description: "Redirect the user to `url`",
      content: { "application/json": { schema: successEnvelope(CheckoutSessionSchema) } },
    },
    ...errorResponses([401, 403, 409, 422, 429, 500, 503]),
  },
});

const listPlansRoute = createRoute({
  method: "get",
  path: "/plans",
  tags: ["billing"],
  summary: "The plans of portico.config.json, for a pricing page",
  description:
    "Public. In the file's order, the free plan included (its prices are null). Amounts in " +
    "the currency's minor unit.",
  responses: {
    200: {
      description: "The plans",
      content: { "application/json": { schema: successEnvelope(PlanListSchema) } },
    },
    ...errorResponses([500]),
  },
});

const listInvoicesRoute = createRoute({
  method: "get",
  path: "/invoices",
  tags: ["billing"],
  summary: "The signed-in user's invoices, newest first",
  description:
    "Read from Portico's copy, kept current by Stripe's invoice webhooks; drafts are not " +
    "listed. Paginated: pass `nextCursor` back as `cursor` until it is null. A user with no " +
    "Stripe customer has none.",
  security: BearerSecurity,
  request: { query: InvoiceListQuerySchema },
  responses: {
    200: {
      description: "A page of invoices",
      content: { "application/json": { schema: successEnvelope(InvoicePageSchema) } },
    },
    ...errorResponses([401, 404, 422, 500, 503]),
  },
});

export function createBillingRoutes(deps: {
  identify: Identify;
  subjects: SubjectAccess;
  seats: SeatService;
  subscriptions: SubscriptionService;
  checkout: CheckoutService;
  invoices: InvoiceListService;
  plans: Pick<PlanCatalog, "plans">;
  config: Pick<Config, "appUrl"> & { stripe: Pick<Config["stripe"], "appMode"> };
}) {
  const { identify, subjects, seats, subscriptions, checkout, invoices } = deps;
  const mode = deps.config.stripe.appMode;
  // The catalog is read once at startup; so is its public summary.
  const planList = { plans: summarizePlans(deps.plans.plans) };
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const signedIn = requireUser(identify);
  app.use("/subscription", signedIn);
  app.use("/invoices", signedIn);
  app.use("/sync", signedIn);
  app.use("/checkout", limitBody(CHECKOUT_BODY_LIMIT), signedIn);
  app.use("/seats", limitBody(CHECKOUT_BODY_LIMIT), signedIn);

  return app
    .openapi(getSubscriptionRoute, async (c) => {
      const subject = await subjects(c, c.req.valid("query").organizationId, "view");
      const data = await subscriptions.getSubscription(subject, mode);
      return c.json({ success: true as const, data }, 200);
    })
    .openapi(syncRoute, async (c) => {
      // Validated only when the request is JSON: a bare POST (as before organizations) has none.
      const body = c.req.valid("json") as { organizationId?: string } | undefined;
      const organizationId = body?.organizationId ?? c.req.valid("query").organizationId;
      const subject = await subjects(c, organizationId, "view");
      const data = await subscriptions.syncSubscription(subject, mode);
      return c.json({ success: true as const, data }, 200);
    })
    .openapi(listPlansRoute, (c) => c.json({ success: true as const, data: planList }, 200))
    .openapi(listInvoicesRoute, async (c) => {
      const { organizationId, ...page } = c.req.valid("query");
      const subject = await subjects(c, organizationId, "view");
      const data = await invoices.listInvoices(subject, mode, page);
      return c.json({ success: true as const, data }, 200);
    })
    .openapi(checkoutRoute, async (c) => {
      const { organizationId, ...body } = c.req.valid("json");
      const session = await checkout.startCheckout({
        subject: await subjects(c, organizationId, "purchase"),
        actor: c.get("user"),
        mode,
        ...body,
        requestId: c.get("requestId"),
      });
      return c.json({ success: true as const, data: session }, 200);
    })
    .openapi(seatsRoute, async (c) => {
      const { organizationId, seats: count } = c.req.valid("json");
      const subject = await subjects(c, organizationId, "manage");
      const data = await seats.setSeats(subject, count, mode);
      return c.json({ success: true as const, data }, 200);
    });
}
