/**
 * Every error code Portico answers with, and its HTTP status. Domain code
 * throws `PorticoError`; the HTTP layer turns it into an envelope in one place.
 */
export const ERROR_CODES = {
  INVALID_WEBHOOK: 400,
  VALIDATION_ERROR: 422,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  ALREADY_SUBSCRIBED: 409,
  /** A Stripe customer linked to someone else, or a subject with another customer. */
  CUSTOMER_LINK_CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  WEBHOOK_HANDLER_FAILED: 500,
  STRIPE_UNAVAILABLE: 503,
  STRIPE_NOT_CONFIGURED: 503,
  PORTAL_NOT_CONFIGURED: 503,
  SERVICE_UNAVAILABLE: 503,
  WEBHOOKS_NOT_CONFIGURED: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldIssue {
  /** Path of the offending field, e.g. `["flow", "type"]`. */
  path: (string | number)[];
  message: string;
  /** Where in the request: `body`, `query`… */
  location?: string;
  /** A machine-readable kind such as `missing` or `value_error`. */
  kind?: string;
}

export class PorticoError extends Error {
  readonly code: ErrorCode;
  readonly details: FieldIssue[] | undefined;
  /** Seconds after which a retry may succeed (429 and 503). */
  readonly retryAfter: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: FieldIssue[]; retryAfter?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "PorticoError";
    this.code = code;
    this.details = options.details;
    this.retryAfter = options.retryAfter;
  }

  get status(): (typeof ERROR_CODES)[ErrorCode] {
    return ERROR_CODES[this.code];
  }
}

export function statusForCode(code: ErrorCode): number {
  return ERROR_CODES[code];
}

export const unauthorized = () => new PorticoError("UNAUTHORIZED", "Authentication required");

export const validationError = (details: FieldIssue[]) =>
  new PorticoError("VALIDATION_ERROR", details[0]?.message ?? "Invalid request", { details });
