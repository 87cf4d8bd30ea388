import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { CustomerLinkService } from "../../billing/customer-links.js";
import { resolveSubjectReference } from "../../billing/subject-reference.js";
import type { Db } from "../../db/client.js";
import { subjectKey } from "../../db/subjects.js";
import { type AdminTokenDeps, requireAdminToken } from "../admin-token.js";
import type { AppEnv } from "../context.js";
import {
  CreateCustomerLinkSchema,
  CustomerLinkListSchema,
  CustomerLinkSchema,
  ListCustomerLinksQuery,
} from "../schemas/admin-customers.js";
import { errorResponses, jsonSuccess } from "../schemas/common.js";
import { validationHook } from "../validation.js";

/** Where the standalone server mounts the customer-link admin routes. */
export const ADMIN_CUSTOMERS_PATH = "/api/admin/customers";

export interface AdminCustomersDeps extends AdminTokenDeps {
  /** The database subjects are looked up in (the server's own). */
  db: Db;
  links: Pick<CustomerLinkService, "linkCustomer" | "listLinks">;
}

const route = { tags: ["admin"], security: [{ adminToken: [] }] };
const always = [401, 429, 500, 503] as const;

const linkRoute = createRoute({
  ...route,
  method: "post",
  path: "/links",
  summary: "Link an existing Stripe customer to a user or organization",
  description:
    "Checks the customer exists in that mode and is not deleted, then links it and pulls its " +
    "subscriptions, cards and invoices. 409 when the customer is linked to someone else or the " +
    "subject has another customer in that mode: a link is never moved. Audited.",
  request: {
    body: { required: true, content: { "application/json": { schema: CreateCustomerLinkSchema } } },
  },
  responses: {
    200: {
      description: "Linked (or already linked to this subject)",
      ...jsonSuccess(CustomerLinkSchema),
    },
    ...errorResponses([...always, 404, 409, 422]),
  },
});

const listRoute = createRoute({
  ...route,
  method: "get",
  path: "/links",
  summary: "A subject's customer links, per mode",
  request: { query: ListCustomerLinksQuery },
  responses: {
    200: { description: "Links", ...jsonSuccess(CustomerLinkListSchema) },
    ...errorResponses([...always, 404, 422]),
  },
});

/** `portico customers link` over HTTP: the same service, so the same checks and audit. */
export function createAdminCustomerRoutes(deps: AdminCustomersDeps) {
  const { db, links } = deps;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openAPIRegistry.registerComponent("securitySchemes", "adminToken", {
    type: "http",
    scheme: "bearer",
    description: "The admin token whose SHA-256 is PORTICO_ADMIN_TOKEN_SHA256",
  });
  app.use("*", requireAdminToken(deps));

  return app
    .openapi(linkRoute, async (c) => {
      const body = c.req.valid("json");
      const subject = await resolveSubjectReference(db, body.subject);
      const result = await links.linkCustomer({
        subject,
        customerId: body.customerId,
        mode: body.mode,
        source: "admin_api",
        actor: "admin token",
        details: { requestId: c.get("requestId") },
      });
      const data = { ...result, subject: subjectKey(result.subject) };
      return c.json({ success: true as const, data }, 200);
    })
    .openapi(listRoute, async (c) => {
      const subject = await resolveSubjectReference(db, c.req.valid("query").subject);
      const data = { subject: subjectKey(subject), links: await links.listLinks(subject) };
      return c.json({ success: true as const, data }, 200);
    });
}
