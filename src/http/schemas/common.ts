import { z } from "@hono/zod-openapi";
import { ERROR_CODES, type ErrorCode } from "../../errors.js";

export const ErrorEnvelopeSchema = z
  .object({
    success: z.literal(false),
    error: z.object({
      code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      details: z
        .array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() }))
        .optional(),
      requestId: z.string(),
    }),
  })
  .openapi("ErrorEnvelope");

/**
 * Which organization a billing call is for; without it, the signed-in user. Checked against
 * the caller: an organization they may not act on answers 404, as one that does not exist.
 */
export const organizationIdField = z
  .string()
  .min(1)
  .max(255)
  .optional()
  .openapi({
    description:
      "Bill this organization instead of the signed-in user (team billing). Standalone: " +
      "Portico's organization id; embedded: the host app's, checked by its `authorize`. " +
      "404 when the caller may not act on it",
    example: "3f1c2a9e-8b7d-4c5e-9f01-2a3b4c5d6e7f",
  });

export const SubjectQuerySchema = z.object({ organizationId: organizationIdField });

export function successEnvelope<T extends z.ZodType>(data: T) {
  return z.object({ success: z.literal(true), data });
}

/** A route's JSON answer, in the success envelope. */
export const jsonSuccess = <T extends z.ZodType>(schema: T) => ({
  content: { "application/json": { schema: successEnvelope(schema) } },
});

/** A route's required JSON request body. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { required: true, content: { "application/json": { schema } } },
});

const DESCRIPTIONS: Record<number, string> = {
  400: "Bad request",
  401: "Authentication required",
  403: "Forbidden",
  404: "Not found",
  409: "Conflict",
  422: "Validation error",
  429: "Rate limited; see Retry-After",
  500: "Internal error",
  502: "Stripe failed; retry later",
  503: "Unavailable or not configured; see Retry-After",
};

/** OpenAPI error responses for the given statuses, all in the envelope shape. */
export function errorResponses<S extends number>(
  statuses: readonly S[],
  schema: z.ZodType = ErrorEnvelopeSchema,
) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: DESCRIPTIONS[status] ?? "Error", content: { "application/json": { schema } } },
    ]),
  ) as Record<S, { description: string; content: { "application/json": { schema: z.ZodType } } }>;
}

export const BearerSecurity: Record<string, string[]>[] = [{ bearerAuth: [] }, { cookieAuth: [] }];
