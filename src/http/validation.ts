import type { z } from "@hono/zod-openapi";
import { type FieldIssue, validationError } from "../errors.js";
import { findUnstorableText } from "../storable-values.js";

export type IssueLocation = "body" | "query" | "header" | "param";

const TARGET_LOCATION: Record<string, IssueLocation> = {
  json: "body",
  form: "body",
  query: "query",
  header: "header",
  param: "param",
};

/** Zod issues as Portico field issues, keeping where in the request they were found. */
export function toFieldIssues(error: z.ZodError, target: string): FieldIssue[] {
  const location = TARGET_LOCATION[target] ?? "body";
  return error.issues.map((issue) => {
    const path = issue.path.map((part) => (typeof part === "symbol" ? String(part) : part));
    const field = path.length > 0 ? path.join(".") : location;
    return {
      path,
      location,
      kind: issueKind(issue),
      message:
        issue.code === "unrecognized_keys"
          ? `${field}: ${issue.message}`
          : `${field} ${lowerFirst(issue.message)}`,
    };
  });
}

function issueKind(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type" && issue.input === undefined) return "missing";
  if (issue.code === "too_small" && issue.origin === "string") return "string_too_short";
  if (issue.code === "too_big" && issue.origin === "string") return "string_too_long";
  if (issue.code === "invalid_value") return "enum";
  if (issue.code === "unrecognized_keys") return "extra_forbidden";
  return issue.code === "custom" ? "value_error" : issue.code;
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/**
 * The OpenAPIHono hook, run on every route's parsed input: a failed zod validation becomes a
 * 422 VALIDATION_ERROR, and so does a string PostgreSQL cannot hold (a NUL, an unpaired
 * surrogate) anywhere in a valid input, so that no route lets one reach SQL and come back as
 * a database error.
 */
export function validationHook(
  result:
    | { success: true; data?: unknown; target?: string }
    | { success: false; error: z.ZodError; target: string },
) {
  if (!result.success) throw validationError(toFieldIssues(result.error, result.target));
  const path = findUnstorableText(result.data);
  if (path === undefined) return;
  const location = TARGET_LOCATION[result.target ?? ""] ?? "body";
  const field = path.length > 0 ? path.join(".") : location;
  throw validationError([
    {
      path,
      location,
      kind: "value_error",
      message: `${field} must not contain NUL characters or unpaired surrogates`,
    },
  ]);
}
