/** The `type` values Stripe uses in its error envelope. */
export type StripeErrorType =
  | "api_error"
  | "card_error"
  | "idempotency_error"
  | "invalid_request_error";

export type StripeErrorBody = {
  error: {
    type: StripeErrorType;
    code?: string;
    message: string;
    param?: string;
    doc_url?: string;
    decline_code?: string;
  };
};

type StripeApiErrorInit = {
  status: number;
  type?: StripeErrorType;
  code?: string;
  param?: string;
  /** Card errors name the issuer's reason (`generic_decline`, `insufficient_funds`). */
  declineCode?: string;
  /**
   * Stripe saves an idempotent result only once a request started executing; requests
   * rejected by validation or concurrency checks are not replayed.
   */
  replayable?: boolean;
};

export class StripeApiError extends Error {
  readonly status: number;
  readonly type: StripeErrorType;
  readonly code: string | undefined;
  readonly param: string | undefined;
  readonly declineCode: string | undefined;
  readonly replayable: boolean;

  constructor(message: string, init: StripeApiErrorInit) {
    super(message);
    this.name = "StripeApiError";
    this.status = init.status;
    this.type = init.type ?? "invalid_request_error";
    this.code = init.code;
    this.param = init.param;
    this.declineCode = init.declineCode;
    this.replayable = init.replayable ?? true;
  }

  toBody(): StripeErrorBody {
    const error: StripeErrorBody["error"] = { type: this.type, message: this.message };
    if (this.code) {
      error.code = this.code;
      error.doc_url = `https://docs.stripe.com/error-codes/${this.code.replaceAll("_", "-")}`;
    }
    if (this.param) error.param = this.param;
    if (this.declineCode) error.decline_code = this.declineCode;
    return { error };
  }
}

/** How Stripe names each kind in "No such …" messages. */
const MISSING_NAMES: Record<string, string> = {
  customer: "customer",
  product: "product",
  price: "price",
  subscription: "subscription",
  subscription_item: "subscription item",
  payment_method: "PaymentMethod",
  invoice: "invoice",
  invoiceitem: "invoiceitem",
  setup_intent: "setupintent",
  payment_intent: "payment_intent",
  "checkout.session": "checkout.session",
  "billing_portal.configuration": "configuration",
  "billing_portal.session": "session",
  event: "event",
  webhook_endpoint: "webhook endpoint",
};

/**
 * An id that names nothing. Stripe answers 404 when the id is in the URL path and 400
 * (with `param`) when it arrives as a request parameter.
 */
export function resourceMissing(kind: string, id: string, param?: string): StripeApiError {
  const name = MISSING_NAMES[kind] ?? kind;
  return new StripeApiError(`No such ${name}: '${id}'`, {
    status: param ? 400 : 404,
    code: "resource_missing",
    ...(param ? { param } : {}),
  });
}

export function invalidRequest(message: string, param?: string, code?: string): StripeApiError {
  return new StripeApiError(message, {
    status: 400,
    ...(param ? { param } : {}),
    ...(code ? { code } : {}),
  });
}

export function unrecognizedRoute(method: string, path: string): StripeApiError {
  return new StripeApiError(
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    { status: 404, replayable: false },
  );
}
