import { z } from "@hono/zod-openapi";
import { RATE_LIMIT_NAMES } from "../../projects/project-settings.js";

/**
 * Request and response shapes of `/api/admin/projects`. Requests are only typed here: the
 * project service checks each value (key prefixes, origins, the billing file) and answers
 * 422 with every problem. Objects are strict so that a misspelt field is refused, not
 * silently dropped.
 */

export const ProjectIdParams = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "acme" }),
});

export const ListProjectsQuery = z.object({
  include_deleted: z
    .enum(["true", "false"])
    .optional()
    .openapi({ description: "List soft-deleted projects too" }),
});

export const DeleteProjectQuery = z.object({
  purge: z.enum(["true", "false"]).optional().openapi({
    description:
      "Remove the project for good: its row, its secrets and its database (a deleted one too)",
  }),
});

export const CreateProjectSchema = z
  .strictObject({
    id: z.string().max(64).openapi({
      description: "a-z, 0-9 and -, at most 40 (not starting or ending with -), or a uuid",
      example: "acme",
    }),
    name: z.string().max(200).openapi({ example: "Acme" }),
  })
  .openapi("CreateProject");

const secretKey = (mode: "test" | "live") =>
  z
    .string()
    .max(500)
    .optional()
    .openapi({ description: `sk_${mode}_… or rk_${mode}_…; stored sealed, shown masked` });

const webhookSecrets = z.array(z.string().max(500)).max(10).optional().openapi({
  description: "Endpoint signing secrets (whsec_…), several while rotating; [] removes them",
});

export const ProjectKeysSchema = z
  .strictObject({
    testSecretKey: secretKey("test"),
    liveSecretKey: secretKey("live"),
    testWebhookSecrets: webhookSecrets,
    liveWebhookSecrets: webhookSecrets,
  })
  .openapi("ProjectKeys", { description: "Keys left out stay as they are" });

export const ProjectConfigSchema = z
  .strictObject({
    billing: z.unknown().optional().openapi({
      description: "The project's portico.config.json (plans, prices, portal); null removes it",
    }),
    returnOrigins: z
      .array(z.string().max(2048))
      .max(50)
      .optional()
      .openapi({ example: ["https://app.acme.com"] }),
    rateLimits: z.partialRecord(z.enum(RATE_LIMIT_NAMES), z.string().max(50)).optional().openapi({
      description: "Rules like RATE_LIMIT_*, e.g. { portal: '20/60s' }; replaces the project's",
    }),
    jwt: z
      .strictObject({
        issuer: z.string().max(2048).optional(),
        audience: z.string().max(2048).optional(),
        secret: z.string().max(4096).optional(),
        jwksUrl: z.string().max(2048).optional(),
      })
      .nullable()
      .optional()
      .openapi({ description: "An HS256 secret or a JWKS URL, with claims; null turns it off" }),
  })
  .openapi("ProjectConfig", { description: "Fields left out stay as they are" });

const isoTimestamp = z.string().openapi({ example: "2026-12-01T00:00:00.000Z" });
const rateRule = z.object({ max: z.number(), windowSeconds: z.number() });

export const ProjectSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    keys: z.object({ test: z.string().nullable(), live: z.string().nullable() }).openapi({
      description: "Masked, e.g. sk_test_…wxyz",
    }),
    webhookSecrets: z.object({ test: z.array(z.string()), live: z.array(z.string()) }),
    returnOrigins: z.array(z.string()),
    billing: z.unknown(),
    rateLimits: z.record(z.string(), rateRule),
    jwt: z
      .object({
        kind: z.enum(["secret", "jwks"]),
        issuer: z.string().optional(),
        audience: z.string().optional(),
        jwksUrl: z.string().optional(),
        secret: z.string().optional().openapi({ description: "Masked" }),
      })
      .nullable(),
    createdAt: isoTimestamp,
    updatedAt: isoTimestamp,
  })
  .openapi("Project");

export const ProjectListSchema = z
  .object({
    projects: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        modes: z.array(z.enum(["test", "live"])).openapi({ description: "Modes with a key" }),
        createdAt: isoTimestamp,
        deletedAt: isoTimestamp.nullable(),
      }),
    ),
  })
  .openapi("ProjectList");

export const DeletedProjectSchema = z
  .object({ id: z.string(), purged: z.boolean() })
  .openapi("DeletedProject");
