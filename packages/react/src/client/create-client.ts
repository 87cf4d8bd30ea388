import type {
  BillingSubject,
  CheckoutRequest,
  InvoicePage,
  Plan,
  PortalRequest,
  SeatsRequest,
  SubscriptionData,
} from "./api-types.js";
import { PorticoRequestError } from "./request-error.js";

export interface PorticoClientOptions {
  /** Where the host app mounts Portico, e.g. `/api/billing`. */
  basePath: string;
  /** `"include"` when the billing routes live on another origin and use cookies. */
  credentials?: RequestCredentials;
  /** For bearer-token apps: called before every request; null sends no header. */
  getToken?: () => Promise<string | null>;
  fetch?: typeof fetch;
}

export type PorticoClient = ReturnType<typeof createPorticoClient>;

type InvoiceQuery = BillingSubject & { limit?: number; cursor?: string | null };

/** The typed calls the hooks and components make; each resolves to the envelope's `data`. */
export function createPorticoClient(options: PorticoClientOptions) {
  const base = options.basePath.replace(/\/+$/, "");

  async function request<Data>(method: "GET" | "POST", path: string, body?: unknown) {
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    const token = await options.getToken?.();
    if (token) headers.authorization = `Bearer ${token}`;
    // Resolved per call, never at import: server rendering and test doubles both stay safe.
    const send = options.fetch ?? globalThis.fetch;
    let response: Response;
    try {
      response = await send(`${base}${path}`, {
        method,
        headers,
        credentials: options.credentials ?? "same-origin",
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new PorticoRequestError("NETWORK_ERROR", 0, "Billing can't be reached.");
    }
    return readEnvelope<Data>(response);
  }

  return {
    getSubscription: (subject: BillingSubject = {}) =>
      request<SubscriptionData>("GET", `/subscription${toQuery(subject)}`),
    /** Asks Stripe now instead of waiting for a webhook; rate limited per user. */
    syncSubscription: (subject: BillingSubject = {}) =>
      // The user's own sync keeps its empty body, as before organizations.
      request<SubscriptionData>(
        "POST",
        "/sync",
        subject.organizationId === undefined
          ? undefined
          : { organizationId: subject.organizationId },
      ),
    listPlans: () => request<{ plans: Plan[] }>("GET", "/plans").then((data) => data.plans),
    listInvoices: (page: InvoiceQuery = {}) =>
      request<InvoicePage>("GET", `/invoices${toQuery(page)}`),
    createPortalSession: (body: PortalRequest) => request<{ url: string }>("POST", "/portal", body),
    createCheckout: (body: CheckoutRequest) =>
      request<{ id: string; url: string }>("POST", "/checkout", body),
    /** Changes a per-seat subscription's quantity; answers the updated subscription. */
    updateSeats: (body: SeatsRequest) => request<SubscriptionData>("POST", "/seats", body),
  };
}

/**
 * `?organizationId=…&limit=…&cursor=…` with only the parts given. An empty organization id is
 * still sent: dropping it would quietly show the user's own billing instead.
 */
function toQuery(params: InvoiceQuery) {
  const query = new URLSearchParams();
  if (params.organizationId !== undefined) query.set("organizationId", params.organizationId);
  if (params.limit) query.set("limit", String(params.limit));
  if (params.cursor) query.set("cursor", params.cursor);
  return query.size > 0 ? `?${query}` : "";
}

/** `{ success, data }` or `{ success: false, error }`; a proxy's HTML page still reads sensibly. */
async function readEnvelope<Data>(response: Response): Promise<Data> {
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok && isRecord(body) && body.success === true) return body.data as Data;
  const error = isRecord(body) && isRecord(body.error) ? body.error : {};
  throw new PorticoRequestError(
    typeof error.code === "string" ? error.code : "INTERNAL_ERROR",
    response.status,
    typeof error.message === "string" ? error.message : `Billing answered ${response.status}.`,
    typeof error.requestId === "string" ? error.requestId : undefined,
  );
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;
