import { type ClientResponse, hc } from "hono/client";
import type { SuccessStatusCode } from "hono/utils/http-status";
import type { ErrorCode } from "../../../src/errors.js";
import type { AppType } from "../../../src/http/app.js";

/**
 * How the page talks to Portico's account routes; billing goes through `@portico/react`.
 * Requests and responses are typed by the server's own routes (`AppType`), so a change
 * there breaks `npm run typecheck` here.
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

const notifyUnauthorized = () => {
  for (const listener of unauthorizedListeners) listener();
};

/** `fetch` for the billing components: a 401 there signs the page out too. */
export const sessionAwareFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  if (response.status === 401) notifyUnauthorized();
  return response;
};

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
    if (response.status === 401) notifyUnauthorized();
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
