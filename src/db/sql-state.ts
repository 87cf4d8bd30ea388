/**
 * What a failed statement says about its cause. Drizzle wraps the driver's error
 * (`DrizzleQueryError`, with the statement and its parameters), so the SQLSTATE sits on a
 * cause; node-postgres raises an error with `code` and `severity`.
 */

/** A driver error from the server: a five-character SQLSTATE and a severity. */
interface ServerError {
  code: string;
  severity: string;
}

export function isServerError(value: unknown): value is ServerError {
  if (value === null || typeof value !== "object") return false;
  const { code, severity } = value as Partial<Record<keyof ServerError, unknown>>;
  // Node's own codes (EPIPE, ECONNRESET…) have no severity.
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && typeof severity === "string";
}

/** The SQLSTATE of a failed statement, on the error or down its causes. */
export function sqlStateOf(error: unknown): string | undefined {
  let current = error;
  for (let depth = 0; depth < 8 && current !== null && typeof current === "object"; depth++) {
    if (isServerError(current)) return current.code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The statement's values were at fault, not the database: class 22 (data exception: a NUL in
 * text, a time out of range…) and class 23 (integrity constraint violation). The same values
 * fail the same way on retry, and the database is healthy for everyone else.
 */
export function isDataError(error: unknown): boolean {
  const state = sqlStateOf(error);
  return state !== undefined && (state.startsWith("22") || state.startsWith("23"));
}
