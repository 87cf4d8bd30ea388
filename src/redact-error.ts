import pino from "pino";
import { isServerError, sqlStateOf } from "./db/sql-state.js";

/**
 * Errors as they may be logged or stored: without the values a failed statement carried.
 * Drizzle's `DrizzleQueryError` holds the statement's parameters (`params`) and repeats them
 * in its message and stack; a server error's `detail`
 * repeats the offending row or key (`Key (email)=(…) already exists`). Those values are
 * emails, names and whole webhook payloads: personal data that must not reach the logs.
 */

/** Properties that carry a statement's values or a request's data, never its shape. */
const DATA_PROPERTIES = new Set([
  "params",
  "parameters",
  "queryOptions",
  "detail",
  "internalQuery",
  "where",
  "payload",
  "body",
]);

interface ErrorLike {
  message: string;
  name?: unknown;
  stack?: unknown;
  cause?: unknown;
  errors?: unknown;
}

const isErrorLike = (value: unknown): value is ErrorLike =>
  value !== null && typeof value === "object" && typeof (value as ErrorLike).message === "string";

function redactMessage(error: ErrorLike): string {
  // Drizzle writes "Failed query: <statement>\nparams: <values>".
  const message = error.message.replace(/\nparams: [\s\S]*$/, "");
  // A data exception quotes the value it refused: `invalid input syntax for type uuid: "…"`.
  return isServerError(error) && error.code.startsWith("22")
    ? message.replace(/"[^"]*"/g, '"[redacted]"')
    : message;
}

/** The stack's frames under a header rebuilt from the redacted message. */
function redactStack(error: ErrorLike, message: string): string | undefined {
  if (typeof error.stack !== "string") return undefined;
  const frames = error.stack.split("\n").filter((line) => /^\s+at /.test(line));
  const name = typeof error.name === "string" ? error.name : "Error";
  return [`${name}: ${message}`, ...frames].join("\n");
}

/**
 * A copy of `error` and its causes (and an AggregateError's errors) without the values above;
 * same prototype, so its type and getters survive. Anything that is not an error is returned
 * as it is.
 */
export function redactError(error: unknown, depth = 0): unknown {
  if (!isErrorLike(error) || depth > 8) return error;
  const copy = Object.create(Object.getPrototypeOf(error)) as Record<string, unknown>;
  for (const [key, value] of Object.entries(error)) {
    if (!DATA_PROPERTIES.has(key) && key !== "cause" && key !== "errors") copy[key] = value;
  }
  const message = redactMessage(error);
  const hidden = (value: unknown) => ({ value, writable: true, configurable: true });
  Object.defineProperty(copy, "message", hidden(message));
  Object.defineProperty(copy, "stack", hidden(redactStack(error, message)));
  if (error.cause !== undefined) {
    Object.defineProperty(copy, "cause", hidden(redactError(error.cause, depth + 1)));
  }
  if (Array.isArray(error.errors)) {
    copy.errors = error.errors.map((item: unknown) => redactError(item, depth + 1));
  }
  return copy;
}

/** The error's message without the values, or undefined for something that is no error. */
export function redactErrorMessage(error: unknown): string | undefined {
  return isErrorLike(error) ? redactMessage(error) : undefined;
}

/** `Name: message` without the values, for the inbox's `last_error`. */
export function describeError(error: unknown): string {
  if (!isErrorLike(error)) return String(error);
  const name = typeof error.name === "string" ? error.name : "Error";
  return `${name}: ${redactMessage(error)}`;
}

/**
 * The logger's `err` serializer: pino's own, on the redacted copy, with the SQLSTATE of a
 * failed statement lifted to the top where an operator looks first.
 */
export function serializeError(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(redactError(error) as Error);
  const sqlState = sqlStateOf(error);
  if (sqlState && serialized !== null && typeof serialized === "object") {
    serialized.sqlState = sqlState;
  }
  return serialized;
}
