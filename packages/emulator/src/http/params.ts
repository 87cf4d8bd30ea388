import { z } from "zod";
import { StripeApiError } from "./errors.js";
import type { FormData } from "./form.js";

/**
 * Zod building blocks for form-encoded Stripe parameters. Every leaf arrives as a string,
 * so numbers and booleans are decoded here with Stripe's own error wording. Objects are
 * strict so an unknown parameter is reported at whatever depth it appears.
 */

type IssueContext = { value: unknown; issues: z.core.$ZodRawIssue[] };

/** Marks a failure that `toStripeError` renders with Stripe's code and wording. */
function failParam(ctx: IssueContext, kind: string, message = kind): typeof z.NEVER {
  ctx.issues.push({ code: "custom", message, input: ctx.value, params: { kind } });
  return z.NEVER;
}

/** A non-empty string: Stripe reads `""` as "unset", which a required value cannot be. */
export const formString = () =>
  z.string().transform((value, ctx) => (value === "" ? failParam(ctx, "empty") : value));

export const formInteger = (range: { min?: number; max?: number } = {}) =>
  z.string().transform((value, ctx) => {
    if (!/^-?\d+$/.test(value)) return failParam(ctx, "integer", `Invalid integer: ${value}`);
    const number = Number(value);
    if (range.min !== undefined && number < range.min) {
      return failParam(ctx, "range", `must be greater than or equal to ${range.min}`);
    }
    if (range.max !== undefined && number > range.max) {
      return failParam(ctx, "range", `must be less than or equal to ${range.max}`);
    }
    return number;
  });

export const formBoolean = () =>
  z.string().transform((value, ctx) => {
    if (value === "true") return true;
    if (value === "false") return false;
    return failParam(ctx, "boolean", `Invalid boolean: ${value}`);
  });

export const formEnum = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values);

/** Stripe's `Emptyable<T>`: the empty string clears the field. */
export const emptyable = <T extends z.ZodType>(schema: T) => z.union([z.literal(""), schema]);

/** `metadata[key]=value`; an empty value deletes the key and `metadata=` clears them all. */
export const metadataParam = () =>
  emptyable(
    z.record(z.string(), z.string()).transform((entries, ctx) => {
      if (Object.keys(entries).length > 50) {
        return failParam(ctx, "metadata", "Metadata can have at most 50 keys.");
      }
      for (const [key, value] of Object.entries(entries)) {
        if (key.length > 40) return failParam(ctx, "metadata", `Metadata key too long: ${key}`);
        if (value.length > 500) {
          return failParam(ctx, "metadata", `Metadata value too long for key: ${key}`);
        }
      }
      return entries;
    }),
  );

export const expandParam = () => z.array(z.string()).optional();

/** The created filter: `created=123` or `created[gte]=…` etc. */
export const rangeFilter = () =>
  z.union([
    formInteger(),
    z.strictObject({
      gt: formInteger().optional(),
      gte: formInteger().optional(),
      lt: formInteger().optional(),
      lte: formInteger().optional(),
    }),
  ]);

export const listParamShape = {
  limit: formInteger({ min: 1, max: 100 }).optional(),
  starting_after: formString().optional(),
  ending_before: formString().optional(),
  expand: expandParam(),
};

function formatParam(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  return `${head ?? ""}${rest.map((part) => `[${part}]`).join("")}`;
}

/** Stripe reports unknown parameters before anything else about a request. */
function rankIssue(issue: z.core.$ZodIssue): number {
  return issue.code === "unrecognized_keys" ? 0 : 1;
}

function describeIssue(issue: z.core.$ZodIssue, path: PropertyKey[]): StripeApiError {
  const param = formatParam(path);
  const error = (message: string, code?: string) =>
    new StripeApiError(message, {
      status: 400,
      replayable: false,
      ...(param ? { param } : {}),
      ...(code ? { code } : {}),
    });

  switch (issue.code) {
    case "unrecognized_keys": {
      const unknown = formatParam([...path, issue.keys[0] ?? ""]);
      return new StripeApiError(`Received unknown parameter: ${unknown}`, {
        status: 400,
        code: "parameter_unknown",
        param: unknown,
        replayable: false,
      });
    }
    case "invalid_union": {
      // Emptyable unions: the meaningful complaint is the one from the non-empty branch.
      const branch = issue.errors.at(-1)?.[0];
      return branch ? describeIssue(branch, [...path, ...branch.path]) : error(`Invalid ${param}`);
    }
    case "invalid_type":
      if (issue.input === undefined)
        return error(`Missing required param: ${param}.`, "parameter_missing");
      if (issue.expected === "object" || issue.expected === "record") return error(`Invalid hash`);
      if (issue.expected === "array") return error(`Invalid array`);
      return error(`Invalid ${issue.expected}: ${JSON.stringify(issue.input)}`);
    case "invalid_value":
      return error(`Invalid ${param}: must be one of ${issue.values.map(String).join(", ")}`);
    case "custom": {
      const kind = (issue.params as { kind?: string } | undefined)?.kind;
      if (kind === "empty") {
        return error(
          `You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; however '${param}' cannot be unset. You should remove '${param}' from your request or supply a non-empty value.`,
          "parameter_invalid_empty",
        );
      }
      if (kind === "integer") return error(issue.message, "parameter_invalid_integer");
      if (kind === "range")
        return error(`Invalid ${param}: ${issue.message}`, "parameter_invalid_integer");
      return error(issue.message);
    }
    default:
      return error(`Invalid ${param}: ${issue.message}`);
  }
}

export function toStripeError(zodError: z.ZodError): StripeApiError {
  const [first] = [...zodError.issues].sort((a, b) => rankIssue(a) - rankIssue(b));
  if (!first) return new StripeApiError("Invalid request", { status: 400, replayable: false });
  return describeIssue(first, first.path);
}

/** Validates decoded form data against an endpoint's schema, throwing Stripe's 400s. */
export function parseParams<T extends z.ZodType>(schema: T, data: FormData): z.output<T> {
  const result = schema.safeParse(data, { reportInput: true });
  if (!result.success) throw toStripeError(result.error);
  return result.data;
}
