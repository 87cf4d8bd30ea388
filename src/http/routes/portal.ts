import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { PortalService } from "../../billing/portal.js";
import type { Config } from "../../config.js";
import { PorticoError, validationError } from "../../errors.js";
import { limitBody } from "../body-limit.js";
import type { AppEnv } from "../context.js";
import { type Identify, requireUser } from "../identify.js";
import { isSameOriginPost } from "../same-origin.js";
import { BearerSecurity, errorResponses, successEnvelope } from "../schemas/common.js";
import {
  type PortalForm,
  PortalFormSchema,
  type PortalRequest,
  PortalRequestSchema,
  PortalUrlSchema,
} from "../schemas/portal.js";
import type { SubjectAccess } from "../subject-access.js";
import { validationHook } from "../validation.js";

export const PORTAL_BODY_LIMIT = 16 * 1024;

const portalRoute = createRoute({
  method: "post",
  path: "/portal",
  tags: ["billing"],
  summary: "Create a Stripe customer-portal session",
  description:
    "Returns a fresh portal URL on every call; it is never stored. A form post (no JavaScript) " +
    "answers 303 to the portal instead. A form post, and any call with the session cookie, " +
    "requires a same-origin Origin or Referer. With `organizationId`, the organization's " +
    "portal: its owners, admins and billing members may open it (404 for anyone else).",
  security: BearerSecurity,
  request: {
    body: {
      content: {
        "application/json": { schema: PortalRequestSchema },
        "application/x-www-form-urlencoded": { schema: PortalFormSchema },
      },
    },
  },
  responses: {
    200: {
      description: "Portal session created",
      content: { "application/json": { schema: successEnvelope(PortalUrlSchema) } },
    },
    303: {
      description: "Form post: redirect to the portal",
      headers: { Location: { schema: { type: "string" } } },
    },
    ...errorResponses([401, 403, 404, 409, 422, 429, 500, 502, 503]),
  },
});

const isForm = (contentType: string) => /^application\/x-www-form-urlencoded\b/i.test(contentType);
const isJson = (contentType: string) => /^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType);

export function createPortalRoutes(deps: {
  identify: Identify;
  subjects: SubjectAccess;
  portal: PortalService;
  config: Pick<Config, "appUrl" | "stripe">;
}) {
  const { identify, subjects, portal, config } = deps;
  const defaultReturnUrl = new URL("/settings/billing", config.appUrl).href;

  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use("/portal", limitBody(PORTAL_BODY_LIMIT), requireUser(identify));

  return app.openapi(portalRoute, async (c) => {
    const contentType = c.req.header("content-type") ?? "";
    const user = c.get("user");
    if (isForm(contentType)) {
      if (!isSameOriginPost(c, config.appUrl)) {
        throw new PorticoError("FORBIDDEN", "Cross-site form posts are not allowed");
      }
      // zod-openapi types both validated bodies as one union; the content type decides.
      const form = c.req.valid("form") as PortalForm;
      const { url } = await portal.createPortalSession({
        subject: await subjects(c, form.organizationId, "manage"),
        actor: user,
        mode: config.stripe.appMode,
        returnUrl: form.returnUrl ?? defaultReturnUrl,
        configuration: form.configuration,
        flow: form.flow ? { type: form.flow } : undefined,
        requestId: c.get("requestId"),
      });
      return c.redirect(url, 303);
    }
    if (!isJson(contentType)) {
      throw validationError([{ path: [], location: "body", message: "Request body must be JSON" }]);
    }
    const { organizationId, ...body } = c.req.valid("json") as PortalRequest;
    const { url } = await portal.createPortalSession({
      subject: await subjects(c, organizationId, "manage"),
      actor: user,
      mode: config.stripe.appMode,
      ...body,
      requestId: c.get("requestId"),
    });
    return c.json({ success: true as const, data: { url } }, 200);
  });
}
