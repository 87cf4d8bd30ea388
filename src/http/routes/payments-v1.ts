import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { userSubject } from "../../billing/billing-subject.js";
import type { PortalService } from "../../billing/portal.js";
import { verifyReturnUrl } from "../../billing/return-url.js";
import type { Config } from "../../config.js";
import { validationError } from "../../errors.js";
import { limitBody } from "../body-limit.js";
import type { AppEnv } from "../context.js";
import { type Identify, requireUser } from "../identify.js";
import { BearerSecurity, errorResponses } from "../schemas/common.js";
import { validationHook } from "../validation.js";

/** The FastAPI-style contract of the "Create Customer Portal Session" seed. */

const DetailSchema = z
  .object({
    detail: z.union([
      z.string(),
      z.array(
        z.object({
          loc: z.array(z.union([z.string(), z.number()])),
          msg: z.string(),
          type: z.string(),
        }),
      ),
    ]),
  })
  .openapi("HTTPError");

const customerPortalRoute = createRoute({
  method: "post",
  path: "/payments/stripe/customer-portal",
  tags: ["billing"],
  summary: "Create a customer-portal session (FastAPI contract)",
  security: BearerSecurity,
  request: {
    query: z.object({
      test_mode: z
        .enum(["true", "false"])
        .default("true")
        .openapi({ description: "Use the test-mode key and customer (default) or live mode" }),
    }),
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({
              return_url: z
                .string()
                .min(1)
                .openapi({ example: "http://localhost:3000/settings/billing" }),
            })
            .openapi("CustomerPortalRequest"),
        },
      },
    },
  },
  responses: {
    200: {
      description: "Portal session created",
      content: {
        "application/json": {
          schema: z.object({ portal_url: z.url() }).openapi("CustomerPortalResponse"),
        },
      },
    },
    ...errorResponses([401, 403, 404, 422, 429, 500, 502, 503], DetailSchema),
  },
});

export function createPaymentsV1Routes(deps: {
  identify: Identify;
  portal: PortalService;
  config: Pick<Config, "allowedOrigins" | "appUrl">;
}) {
  const { identify, portal, config } = deps;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use("*", async (c, next) => {
    c.set("errorStyle", "detail");
    await next();
  });
  app.use("/payments/stripe/customer-portal", limitBody(16 * 1024), requireUser(identify));

  return app.openapi(customerPortalRoute, async (c) => {
    const { return_url } = c.req.valid("json");
    const mode = c.req.valid("query").test_mode === "true" ? "test" : "live";
    const check = verifyReturnUrl(return_url, config.allowedOrigins);
    if (!check.ok) {
      throw validationError([
        {
          path: ["return_url"],
          location: "body",
          kind: "value_error",
          message: `return_url ${check.reason}`,
        },
      ]);
    }
    // This contract has no organizations: the token's user is always the subject.
    const user = c.get("user");
    const { url } = await portal.createPortalSession({
      subject: userSubject(user),
      actor: user,
      mode,
      returnUrl: check.url,
      requestId: c.get("requestId"),
    });
    return c.json({ portal_url: url }, 200);
  });
}
