import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { OrganizationService } from "../../billing/organizations.js";
import { limitBody } from "../body-limit.js";
import type { AppEnv } from "../context.js";
import { type Identify, requireUser } from "../identify.js";
import { BearerSecurity, errorResponses, jsonBody, jsonSuccess } from "../schemas/common.js";
import {
  AddMemberSchema,
  ChangeRoleSchema,
  CreateOrganizationSchema,
  MemberListSchema,
  MemberParams,
  MemberSchema,
  OrganizationIdParams,
  OrganizationListSchema,
  OrganizationSchema,
} from "../schemas/organizations.js";
import { validationHook } from "../validation.js";

const route = { tags: ["organizations"], security: BearerSecurity };

const createOrganizationRoute = createRoute({
  ...route,
  method: "post",
  path: "/",
  summary: "Create an organization, with the caller as its owner",
  description:
    "Team billing: pass its `id` as `organizationId` to the billing routes. With the " +
    "session cookie it requires a same-origin Origin or Referer (403 otherwise).",
  request: jsonBody(CreateOrganizationSchema),
  responses: {
    201: { description: "Created", ...jsonSuccess(OrganizationSchema) },
    ...errorResponses([401, 403, 422, 500, 503]),
  },
});

const listOrganizationsRoute = createRoute({
  ...route,
  method: "get",
  path: "/",
  summary: "The organizations the caller belongs to, with their role",
  responses: {
    200: { description: "Memberships", ...jsonSuccess(OrganizationListSchema) },
    ...errorResponses([401, 500, 503]),
  },
});

const listMembersRoute = createRoute({
  ...route,
  method: "get",
  path: "/{organizationId}/members",
  summary: "An organization's members (any member may list them)",
  request: { params: OrganizationIdParams },
  responses: {
    200: { description: "Members", ...jsonSuccess(MemberListSchema) },
    ...errorResponses([401, 404, 500, 503]),
  },
});

const addMemberRoute = createRoute({
  ...route,
  method: "post",
  path: "/{organizationId}/members",
  summary: "Add an existing account as a member (owners and admins)",
  description:
    "The account must exist. A per-seat subscription follows: its seats become the member " +
    "count, within the plan's bounds.",
  request: { params: OrganizationIdParams, ...jsonBody(AddMemberSchema) },
  responses: {
    201: { description: "Added", ...jsonSuccess(MemberSchema) },
    ...errorResponses([401, 403, 404, 409, 422, 500, 503]),
  },
});

const changeRoleRoute = createRoute({
  ...route,
  method: "patch",
  path: "/{organizationId}/members/{userId}",
  summary: "Change a member's role (owners and admins; owners for owners)",
  description: "409 when it would leave the organization without an owner.",
  request: { params: MemberParams, ...jsonBody(ChangeRoleSchema) },
  responses: {
    200: { description: "Changed", ...jsonSuccess(z.object({ userId: z.string() })) },
    ...errorResponses([401, 403, 404, 409, 422, 500, 503]),
  },
});

const removeMemberRoute = createRoute({
  ...route,
  method: "delete",
  path: "/{organizationId}/members/{userId}",
  summary: "Remove a member, or leave (any member may remove themselves)",
  description:
    "409 for the last owner. A per-seat subscription follows the new member count, within " +
    "the plan's bounds.",
  request: { params: MemberParams },
  responses: {
    200: { description: "Removed", ...jsonSuccess(z.object({ userId: z.string() })) },
    ...errorResponses([401, 403, 404, 409, 500, 503]),
  },
});

/** The standalone service's organizations: members and roles, for team billing. */
export function createOrganizationRoutes(deps: {
  identify: Identify;
  organizations: OrganizationService;
}) {
  const { organizations } = deps;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use("*", limitBody(16 * 1024), requireUser(deps.identify));

  return app
    .openapi(createOrganizationRoute, async (c) => {
      const data = await organizations.createOrganization(c.get("user"), c.req.valid("json"));
      return c.json({ success: true as const, data }, 201);
    })
    .openapi(listOrganizationsRoute, async (c) => {
      const data = await organizations.listOrganizations(c.get("user"));
      return c.json({ success: true as const, data }, 200);
    })
    .openapi(listMembersRoute, async (c) => {
      const { organizationId } = c.req.valid("param");
      const data = await organizations.members(c.get("user"), organizationId);
      return c.json({ success: true as const, data }, 200);
    })
    .openapi(addMemberRoute, async (c) => {
      const { organizationId } = c.req.valid("param");
      const data = await organizations.addMember(
        c.get("user"),
        organizationId,
        c.req.valid("json"),
      );
      return c.json({ success: true as const, data }, 201);
    })
    .openapi(changeRoleRoute, async (c) => {
      const { organizationId, userId } = c.req.valid("param");
      const { role } = c.req.valid("json");
      await organizations.changeRole(c.get("user"), organizationId, userId, role);
      return c.json({ success: true as const, data: { userId } }, 200);
    })
    .openapi(removeMemberRoute, async (c) => {
      const { organizationId, userId } = c.req.valid("param");
      await organizations.removeMember(c.get("user"), organizationId, userId);
      return c.json({ success: true as const, data: { userId } }, 200);
    });
}
