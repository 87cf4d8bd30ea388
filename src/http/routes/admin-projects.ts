import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { ProjectService, ProjectView } from "../../projects/project-service.js";
import { parseProjectId } from "../../projects/project-settings.js";
import { type AdminTokenDeps, requireAdminToken } from "../admin-token.js";
import type { AppEnv } from "../context.js";
import {
  CreateProjectSchema,
  DeletedProjectSchema,
  DeleteProjectQuery,
  ListProjectsQuery,
  ProjectConfigSchema,
  ProjectIdParams,
  ProjectKeysSchema,
  ProjectListSchema,
  ProjectSchema,
} from "../schemas/admin-projects.js";
import { errorResponses, jsonBody, jsonSuccess } from "../schemas/common.js";
import { validationHook } from "../validation.js";

/** Where the standalone server mounts the admin API (never on a project's app). */
export const ADMIN_PROJECTS_PATH = "/api/admin/projects";

export interface AdminProjectsDeps extends AdminTokenDeps {
  projects: Pick<ProjectService, "create" | "list" | "show" | "setKeys" | "setConfig" | "delete">;
  /** After every write: a running copy of the project reloads its settings on its next request. */
  onChanged(id: string): Promise<void>;
  /** Rows, running copy and database, for good. */
  purge(id: string): Promise<void>;
}

const route = { tags: ["admin"], security: [{ adminToken: [] }] };
/** Every admin call may meet a wrong token (401), a rate limit (429), an outage (503). */
const always = [401, 429, 500, 503] as const;

const listRoute = createRoute({
  ...route,
  method: "get",
  path: "/",
  summary: "The projects, without secrets",
  request: { query: ListProjectsQuery },
  responses: {
    200: { description: "Projects", ...jsonSuccess(ProjectListSchema) },
    ...errorResponses([...always, 422]),
  },
});

const createProjectRoute = createRoute({
  ...route,
  method: "post",
  path: "/",
  summary: "Create a project",
  description: "409 when the id is taken, by a live project or by a deleted one not purged.",
  request: jsonBody(CreateProjectSchema),
  responses: {
    201: { description: "Created", ...jsonSuccess(ProjectSchema) },
    ...errorResponses([...always, 409, 422]),
  },
});

const showRoute = createRoute({
  ...route,
  method: "get",
  path: "/{id}",
  summary: "A project's settings, every secret masked",
  request: { params: ProjectIdParams },
  responses: {
    200: { description: "The project", ...jsonSuccess(ProjectSchema) },
    ...errorResponses([...always, 404, 422]),
  },
});

const setKeysRoute = createRoute({
  ...route,
  method: "put",
  path: "/{id}/keys",
  summary: "Set a project's Stripe keys and webhook secrets",
  description: "Stored sealed under PORTICO_ENCRYPTION_KEY and answered masked; never echoed.",
  request: { params: ProjectIdParams, ...jsonBody(ProjectKeysSchema) },
  responses: {
    200: { description: "The project", ...jsonSuccess(ProjectSchema) },
    ...errorResponses([...always, 404, 422]),
  },
});

const setConfigRoute = createRoute({
  ...route,
  method: "put",
  path: "/{id}/config",
  summary: "Set a project's billing file, return origins, rate limits and JWT sign-in",
  request: { params: ProjectIdParams, ...jsonBody(ProjectConfigSchema) },
  responses: {
    200: { description: "The project", ...jsonSuccess(ProjectSchema) },
    ...errorResponses([...always, 404, 422]),
  },
});

const deleteRoute = createRoute({
  ...route,
  method: "delete",
  path: "/{id}",
  summary: "Delete a project: soft, or for good with purge=true",
  description:
    "Soft: it stops being served, its row and secrets stay and its id stays taken. " +
    "`purge=true` removes the row, the secrets and the project's database.",
  request: { params: ProjectIdParams, query: DeleteProjectQuery },
  responses: {
    200: { description: "Deleted", ...jsonSuccess(DeletedProjectSchema) },
    ...errorResponses([...always, 404, 422]),
  },
});

/**
 * The admin API over the project registry, as `portico projects …` is on the command line:
 * the same service, so the same checks, masks and errors.
 */
export function createAdminProjectRoutes(deps: AdminProjectsDeps) {
  const { projects, onChanged } = deps;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openAPIRegistry.registerComponent("securitySchemes", "adminToken", {
    type: "http",
    scheme: "bearer",
    description: "The admin token whose SHA-256 is PORTICO_ADMIN_TOKEN_SHA256",
  });
  app.use("*", requireAdminToken(deps));

  // Written, then announced: a project served here picks the change up on its next request.
  const written = async (view: ProjectView) => {
    await onChanged(view.id);
    return viewJson(view);
  };

  return app
    .openapi(listRoute, async (c) => {
      const { include_deleted } = c.req.valid("query");
      const list = await projects.list({ includeDeleted: include_deleted === "true" });
      const data = {
        projects: list.map((project) => ({
          ...project,
          createdAt: project.createdAt.toISOString(),
          deletedAt: project.deletedAt?.toISOString() ?? null,
        })),
      };
      return c.json({ success: true as const, data }, 200);
    })
    .openapi(createProjectRoute, async (c) => {
      const data = await written(await projects.create(c.req.valid("json")));
      return c.json({ success: true as const, data }, 201);
    })
    .openapi(showRoute, async (c) => {
      const data = viewJson(await projects.show(c.req.valid("param").id));
      return c.json({ success: true as const, data }, 200);
    })
    .openapi(setKeysRoute, async (c) => {
      const { id } = c.req.valid("param");
      const data = await written(await projects.setKeys(id, c.req.valid("json")));
      return c.json({ success: true as const, data }, 200);
    })
    .openapi(setConfigRoute, async (c) => {
      const { id } = c.req.valid("param");
      const data = await written(await projects.setConfig(id, c.req.valid("json")));
      return c.json({ success: true as const, data }, 200);
    })
    .openapi(deleteRoute, async (c) => {
      // As stored (a uuid lower-cased), so that the running copy is the one told.
      const id = parseProjectId(c.req.valid("param").id);
      const purged = c.req.valid("query").purge === "true";
      if (purged) await deps.purge(id);
      else {
        await projects.delete(id);
        await onChanged(id);
      }
      return c.json({ success: true as const, data: { id, purged } }, 200);
    });
}

/** The service's masked view, with its dates as JSON carries them. */
function viewJson(view: ProjectView) {
  return {
    ...view,
    createdAt: view.createdAt.toISOString(),
    updatedAt: view.updatedAt.toISOString(),
  };
}
