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

export function successEnvelope<T extends z.ZodType>(data: T) {
  return z.object({ success: z.literal(true), data });
}

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
