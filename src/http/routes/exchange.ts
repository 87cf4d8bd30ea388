import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { SignInLinkService } from "../../auth/sign-in-links.js";
import type { Config } from "../../config.js";
import { PorticoError, unauthorized } from "../../errors.js";
import type { AppEnv } from "../context.js";
import { requireUser } from "../identify.js";
import { errorResponses, successEnvelope } from "../schemas/common.js";
import { requireScope, type ServiceKeyAuth, serviceKeyIdentity } from "../service-key-access.js";
import { writeSessionCookie } from "../session-cookie.js";
import { validationHook } from "../validation.js";

const ExchangeRequestSchema = z
  .object({
    redirect: z
      .string()
      .max(2048)
      .optional()
      .openapi({ description: "A path on this server to land on; default `/`", example: "/" }),
  })
  .openapi("SignInLinkRequest");

const SignInLinkSchema = z
  .object({ url: z.url(), expiresAt: z.iso.datetime() })
  .openapi("SignInLink");

const issueRoute = createRoute({
  method: "post",
  path: "/exchange",
  tags: ["auth"],
  summary: "Issue a one-time sign-in link for a user (service keys)",
  description:
    "With a `manage` service key and `Portico-Subject: user:<id>` (a user, not an " +
    "organization): a link to Portico's billing page that signs the user in once, within 60 " +
    "seconds. Send the user's browser to `url`. Audited with the key's name.",
  security: [{ bearerAuth: [] }],
  request: {
    body: {
      required: false,
      content: { "application/json": { schema: ExchangeRequestSchema } },
    },
  },
  responses: {
    200: {
      description: "The link",
      content: { "application/json": { schema: successEnvelope(SignInLinkSchema) } },
    },
    ...errorResponses([401, 403, 404, 422, 500]),
  },
});

const redeemRoute = createRoute({
  method: "get",
  path: "/exchange",
  tags: ["auth"],
  summary: "Open a one-time sign-in link",
  description:
    "Starts a session (the cookie) and redirects to the link's page. A used, expired or " +
    "unknown link answers an error page and starts no session.",
  request: { query: z.object({ token: z.string().max(128).optional() }) },
  responses: {
    303: { description: "Signed in: to the billing page" },
    400: {
      description: "The link was used, expired or unknown",
      content: { "text/html": { schema: z.string() } },
    },
    ...errorResponses([500, 503]),
  },
});

/** No framework, no script: a page a browser shows for a dead link. */
const DEAD_LINK_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign-in link expired</title></head>
<body><h1>This sign-in link has expired or was already used</h1>
<p>Sign-in links work once, for a minute. Go back to the app and open billing again, or
<a href="/">sign in</a>.</p></body></html>`;

export function createExchangeRoutes(deps: {
  serviceKeyAuth: ServiceKeyAuth;
  signInLinks: SignInLinkService;
  config: Pick<Config, "appUrl">;
}) {
  const { signInLinks, config } = deps;
  const secureCookie = config.appUrl.startsWith("https:");
  // Only a key: a user's own session or JWT cannot mint links.
  const keyOnly = serviceKeyIdentity(deps.serviceKeyAuth, async () => {
    throw unauthorized();
  });
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.on("POST", "/exchange", requireUser(keyOnly));

  return app
    .openapi(issueRoute, async (c) => {
      const call = c.get("serviceCall");
      if (!call) throw unauthorized();
      requireScope(call.key, "manage");
      if (call.subject.billing.type !== "user") {
        throw new PorticoError(
          "VALIDATION_ERROR",
          "A sign-in link is for a user: name one as user:<id>",
        );
      }
      const body = c.req.valid("json") as { redirect?: string } | undefined;
      const link = await signInLinks.issueLink({
        key: call.key,
        user: call.subject.actor,
        redirect: body?.redirect,
      });
      return c.json(
        {
          success: true as const,
          data: { url: link.url, expiresAt: link.expiresAt.toISOString() },
        },
        200,
      );
    })
    .openapi(redeemRoute, async (c) => {
      // The token is in the URL: keep it out of caches and of the next page's Referer.
      c.header("Cache-Control", "no-store");
      c.header("Referrer-Policy", "no-referrer");
      const token = c.req.valid("query").token;
      const redeemed = token ? await signInLinks.redeemLink(token) : undefined;
      if (!redeemed) return c.html(DEAD_LINK_PAGE, 400);
      const { session, redirectPath } = redeemed;
      writeSessionCookie(c, session.token, session.expiresAt, secureCookie);
      return c.redirect(redirectPath, 303);
    });
}
