import { OpenAPIHono } from "@hono/zod-openapi";
import { decodeJwt } from "jose";
import type { Logger } from "pino";
import { looksLikeSessionToken, sessionTokenProject } from "../auth/tokens.js";
import { PorticoError, unauthorized } from "../errors.js";
import type { AppEnv } from "../http/context.js";
import { renderErrors, useRequestPipeline } from "../http/request-pipeline.js";
import { PROJECT_WEBHOOK_PREFIX } from "../http/routes/project-webhooks.js";
import type { Metrics } from "../metrics.js";
import type { ProjectRuntimes } from "./project-runtimes.js";
import { isProjectId } from "./project-settings.js";

/** The claim of an end-user token that names its project. */
export const PROJECT_CLAIM = "project_id";

type Fetch = (request: Request) => Response | Promise<Response>;

/** Names the project of a request that carries no project credential (sign-up, sign-in). */
export const PROJECT_HEADER = "portico-project";

/**
 * Which project a request is for: the one in a project webhook URL; else the one its bearer
 * credential names (a session token issued under the project, or a JWT's `project_id`
 * claim); else the `Portico-Project` header. Each is read unverified, only to choose whose
 * settings check the credential: the project's own app then verifies it, so a token signed
 * for project A that names B fails B's check. A header that contradicts the credential
 * names no project (""). Undefined: the request is the server's own.
 */
export function projectOfRequest(request: Request): string | undefined {
  const { pathname } = new URL(request.url);
  if (pathname.startsWith(`${PROJECT_WEBHOOK_PREFIX}/`)) {
    return pathname.slice(PROJECT_WEBHOOK_PREFIX.length + 1).split("/", 1)[0];
  }
  // The admin API is the server's own, whatever its token looks like (a JWT naming a project).
  if (!pathname.startsWith("/api/") || pathname.startsWith("/api/admin/")) return undefined;
  const header = request.headers.get(PROJECT_HEADER) ?? undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "");
  const named = match?.[1] ? credentialProject(match[1]) : undefined;
  if (named !== undefined && header !== undefined && header !== named) return "";
  return named ?? header;
}

function credentialProject(credential: string): string | undefined {
  if (looksLikeSessionToken(credential)) return sessionTokenProject(credential);
  if (!credential.includes(".")) return undefined;
  try {
    const claim = decodeJwt(credential)[PROJECT_CLAIM];
    return typeof claim === "string" ? claim : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The server's front door when it serves projects: a project's requests go to that
 * project's app, every other request to the server's own. A request for a project that
 * does not exist (or was deleted) gets the answer of a stranger: 401, or on the v1 portal
 * route the contract's 404 "Project not found or Stripe not configured".
 */
export function createProjectRouter(deps: {
  runtimes: ProjectRuntimes;
  server: Fetch;
  logger: Logger;
  metrics: Metrics;
}): Fetch {
  const unknown = createUnknownProjectApp(deps);
  return async (request) => {
    const projectId = projectOfRequest(request);
    if (projectId === undefined) return deps.server(request);
    const runtime = isProjectId(projectId)
      ? await deps.runtimes.get(projectId).catch((error: unknown) => error as PorticoError)
      : undefined;
    if (runtime instanceof PorticoError) return unknown.fetch(request, { failure: runtime });
    return runtime ? runtime.fetch(request) : unknown.fetch(request);
  };
}

function createUnknownProjectApp(deps: { logger: Logger; metrics: Metrics }) {
  const app = new OpenAPIHono<AppEnv & { Bindings: { failure?: PorticoError } }>();
  useRequestPipeline(app as unknown as OpenAPIHono<AppEnv>, deps, [`${PROJECT_WEBHOOK_PREFIX}/*`]);
  app.use("/api/v1/*", async (c, next) => {
    c.set("errorStyle", "detail");
    await next();
  });
  app.all("*", (c) => {
    // The project exists but could not start (its database is down): retryable, as any outage.
    if (c.env?.failure) throw c.env.failure;
    const { pathname } = new URL(c.req.url);
    if (pathname.startsWith(`${PROJECT_WEBHOOK_PREFIX}/`)) {
      throw new PorticoError("NOT_FOUND", "Project not found");
    }
    if (pathname === "/api/v1/payments/stripe/customer-portal") {
      throw new PorticoError("STRIPE_NOT_CONFIGURED", "Project not found or Stripe not configured");
    }
    throw unauthorized();
  });
  renderErrors(app as unknown as OpenAPIHono<AppEnv>);
  return app;
}
