import { z } from "@hono/zod-openapi";
import { MEMBERSHIP_ROLES } from "../../billing/organizations.js";

/** Request and response shapes of `/api/organizations`. */

const role = z.enum(MEMBERSHIP_ROLES).openapi({
  description:
    "owner and admin manage members and billing; billing manages billing only; member " +
    "views it. Only owners add, remove or change owners.",
  example: "billing",
});

export const OrganizationIdParams = z.object({
  organizationId: z
    .string()
    .max(255)
    .openapi({ param: { name: "organizationId", in: "path" } }),
});

export const MemberParams = OrganizationIdParams.extend({
  userId: z
    .string()
    .max(255)
    .openapi({ param: { name: "userId", in: "path" } }),
});

export const CreateOrganizationSchema = z
  .object({
    name: z.string().trim().min(1).max(200).openapi({ example: "Acme Inc." }),
    billingEmail: z.email().max(254).optional().openapi({
      description: "Where Stripe sends receipts; default the creator's email",
      example: "billing@acme.test",
    }),
  })
  .strict()
  .openapi("CreateOrganization");

export const OrganizationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    billingEmail: z.string().nullable(),
    role,
  })
  .openapi("Organization");

export const OrganizationListSchema = z
  .object({
    organizations: z.array(z.object({ id: z.string(), name: z.string(), role })),
  })
  .openapi("OrganizationList");

export const AddMemberSchema = z
  .object({
    email: z.email().max(254).openapi({ description: "An existing account's email" }),
    role: role.default("member"),
  })
  .strict()
  .openapi("AddMember");

export const ChangeRoleSchema = z.object({ role }).strict().openapi("ChangeRole");

const member = z.object({ userId: z.string(), email: z.string().nullable(), role });

export const MemberSchema = member.openapi("Member");

export const MemberListSchema = z.object({ members: z.array(member) }).openapi("MemberList");
