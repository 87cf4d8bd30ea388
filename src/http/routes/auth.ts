import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AccountService, AuthUser, IssuedSession } from "../../auth/accounts.js";
import type { Config } from "../../config.js";
import { PorticoError } from "../../errors.js";
import { clientIp } from "../client-ip.js";
import type { AppEnv } from "../context.js";
import { credentialIdentity, requireUser } from "../identify.js";
import { refuseCrossSiteCookie } from "../same-origin.js";
import { BearerSecurity, errorResponses, successEnvelope } from "../schemas/common.js";
import {
  clearSessionCookie,
  isCookieCredential,
  readCredential,
  writeSessionCookie,
} from "../session-cookie.js";
import { validationHook } from "../validation.js";

const CredentialsSchema = z
  .object({
    email: z.email().max(254).openapi({ example: "demo@portico.dev" }),
    password: z.string().min(8).max(256).openapi({ example: "portico-demo" }),
  })
  .openapi("Credentials");

const UserSchema = z.object({ id: z.uuid(), email: z.string().nullable() }).openapi("User");
const SessionSchema = successEnvelope(z.object({ token: z.string(), user: UserSchema })).openapi(
  "AuthSession",
);

const credentialsBody = {
  body: { required: true, content: { "application/json": { schema: CredentialsSchema } } },
};

const signupRoute = createRoute({
  method: "post",
  path: "/signup",
  tags: ["auth"],
  summary: "Create an account and start a session",
  description:
    "An email that already has an account gets the same 201 answer, so sign-up does not " +
    "confirm which emails exist; but no session is opened and the account is not changed: " +
    "that answer's token is refused everywhere. Rate limited per IP (RATE_LIMIT_SIGNUP).",
  request: credentialsBody,
  responses: {
    201: {
      description: "Account created (or the email was taken: see the description)",
      content: { "application/json": { schema: SessionSchema } },
    },
    ...errorResponses([403, 422, 429, 500]),
  },
});

const loginRoute = createRoute({
  method: "post",
  path: "/login",
  tags: ["auth"],
  summary: "Start a session",
  description:
    "Rate limited per IP (every attempt, RATE_LIMIT_LOGIN). Past that many failures on one " +
    "account in the window, an IP that has already failed on it is refused (429) even with " +
    "the right password, while other IPs are still checked.",
  request: credentialsBody,
  responses: {
    200: { description: "Logged in", content: { "application/json": { schema: SessionSchema } } },
    ...errorResponses([401, 422, 429, 500]),
  },
});

const logoutRoute = createRoute({
  method: "post",
  path: "/logout",
  tags: ["auth"],
  summary: "Revoke the current session",
  description:
    "With the session cookie it requires a same-origin Origin or Referer (403 otherwise).",
  // Without a credential there is nothing to revoke, and the answer is the same 200.
  security: [...BearerSecurity, {}],
  responses: {
    200: {
      description: "Logged out",
      content: { "application/json": { schema: successEnvelope(z.object({})) } },
    },
    ...errorResponses([403, 500]),
  },
});

const meRoute = createRoute({
  method: "get",
  path: "/me",
  tags: ["auth"],
  summary: "The signed-in user",
  security: BearerSecurity,
  responses: {
    200: {
      description: "The user",
      content: { "application/json": { schema: successEnvelope(z.object({ user: UserSchema })) } },
    },
    ...errorResponses([401, 500]),
  },
});

const sessionRoute = createRoute({
  method: "get",
  path: "/session",
  tags: ["auth"],
  summary: "Who is signed in, if anyone",
  description:
    "For pages that load signed out as often as signed in: `user` is null without a valid " +
    "credential, where `/me` answers 401.",
  security: [...BearerSecurity, {}],
  responses: {
    200: {
      description: "The user, or null",
      content: {
        "application/json": {
          schema: successEnvelope(z.object({ user: UserSchema.nullable() })),
        },
      },
    },
    ...errorResponses([500]),
  },
});

export function createAuthRoutes(deps: {
  accounts: AccountService;
  config: Pick<Config, "appUrl" | "trustProxy">;
}) {
  const { accounts, config } = deps;
  const secureCookie = config.appUrl.startsWith("https:");
  const sessionBody = (session: IssuedSession) => ({
    success: true as const,
    data: { token: session.token, user: session.user },
  });

  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use("/me", requireUser(credentialIdentity(accounts, config.appUrl)));

  return app
    .openapi(signupRoute, async (c) => {
      const session = await accounts.signup({
        ...c.req.valid("json"),
        ip: clientIp(c, config.trustProxy),
      });
      writeSessionCookie(c, session.token, session.expiresAt, secureCookie);
      return c.json(sessionBody(session), 201);
    })
    .openapi(loginRoute, async (c) => {
      const session = await accounts.login({
        ...c.req.valid("json"),
        ip: clientIp(c, config.trustProxy),
      });
      writeSessionCookie(c, session.token, session.expiresAt, secureCookie);
      return c.json(sessionBody(session), 200);
    })
    .openapi(logoutRoute, async (c) => {
      refuseCrossSiteCookie(c, config.appUrl, isCookieCredential(c));
      const token = readCredential(c);
      if (token) await accounts.logout(token);
      clearSessionCookie(c, secureCookie);
      return c.json({ success: true as const, data: {} }, 200);
    })
    .openapi(sessionRoute, async (c) => {
      // A GET changes nothing, so the cookie needs no same-origin check here.
      const token = readCredential(c);
      const user = token
        ? await accounts.authenticate(token).catch((error: unknown) => {
            if (error instanceof PorticoError && error.code === "UNAUTHORIZED") return null;
            throw error;
          })
        : null;
      return c.json({ success: true as const, data: { user: user && shownUser(user) } }, 200);
    })
    .openapi(meRoute, (c) =>
      c.json({ success: true as const, data: { user: shownUser(c.get("user")) } }, 200),
    );
}

/** What the API shows of the signed-in user: not what their token said about organizations. */
const shownUser = (user: AuthUser) => ({ id: user.id, email: user.email });
