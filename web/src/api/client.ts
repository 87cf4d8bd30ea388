import { type ClientResponse, hc } from "hono/client";
import type { SuccessStatusCode } from "hono/utils/http-status";
import type { ErrorCode } from "../../../src/errors.js";
import type { AppType } from "../../../src/http/app.js";
import type { PortalRequest } from "../../../src/http/schemas/portal.js";

/**
 * The one way the page talks to Portico. Requests and responses are typed by the
 * server's own routes (`AppType`), so a change there breaks `npm run typecheck` here.
 */
export const api = hc<AppType>(window.location.origin).api;

/** The `data` of a route's 2xx answer. */
export type DataOf<Call extends (...args: never[]) => Promise<ClientResponse<unknown>>> =
  SuccessBody<Awaited<ReturnType<Call>>> extends { data: infer Data } ? Data : never;

type SuccessBody<R> =
  R extends ClientResponse<infer Body, infer Status, "json">
    ? Status extends SuccessStatusCode
      ? Body
      : never
    : never;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | "NETWORK_ERROR",
    message: string,
    /** Field name → message, from a 422's or 409's details. */
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const unauthorizedListeners = new Set<() => void>();

/** Told when any call answers 401, e.g. a session that expired while the page was open. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** Awaits a typed call and returns its `data`; anything else becomes an ApiError. */
export async function call<R extends ClientResponse<unknown>>(
  request: Promise<R>,
): Promise<SuccessBody<R> extends { data: infer Data } ? Data : never> {
  let response: R;
  try {
    response = await request;
  } catch {
    throw new ApiError(0, "NETWORK_ERROR", "Portico can't be reached. Check your connection.");
  }
  if (!response.ok) {
    if (response.status === 401) for (const listener of unauthorizedListeners) listener();
    throw await toApiError(response);
  }
  const body = (await response.json()) as { data: never };
  return body.data;
}

/** Reads the error envelope; a proxy's HTML error page still gives a sensible message. */
async function toApiError(response: ClientResponse<unknown>): Promise<ApiError> {
  const body: unknown = await response.json().catch(() => undefined);
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  if (!error || typeof error.message !== "string") {
    return new ApiError(response.status, "INTERNAL_ERROR", `Portico answered ${response.status}.`);
  }
  const fields: Record<string, string> = {};
  for (const detail of Array.isArray(error.details) ? error.details : []) {
    if (!isRecord(detail) || !Array.isArray(detail.path) || typeof detail.message !== "string") {
      continue;
    }
    const field = String(detail.path[0] ?? "");
    if (field) fields[field] ??= detail.message;
  }
  return new ApiError(response.status, error.code as ErrorCode, error.message, fields);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;

/**
 * `POST /api/billing/portal` with a JSON body. The route also accepts a form post, and
 * zod-openapi types a two-content-type body as needing both `json` and `form`; hc sends
 * whichever one it is given, so the JSON half alone is the honest type.
 */
export const postPortal = api.billing.portal.$post as unknown as (args: {
  json: PortalRequest;
}) => ReturnType<typeof api.billing.portal.$post>;
