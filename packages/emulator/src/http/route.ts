import type { EventOrigin } from "../events.js";
import type { Account, Store } from "../store.js";
import type { FormData } from "./form.js";

export type HttpMethod = "GET" | "POST" | "DELETE";

/** What an endpoint handler sees: an authenticated account and decoded parameters. */
export type ApiRequest = EventOrigin & {
  account: Account;
  store: Store;
  /** Body for POST, query string for GET and DELETE. */
  params: FormData;
  pathParams: Record<string, string>;
  /** The emulator's own origin, for URLs it hands out (portal sessions). */
  origin: string;
};

/** Handlers return the response object; errors are thrown as `StripeApiError`. */
export type ApiHandler = (request: ApiRequest) => unknown;

export type ApiRoute = { method: HttpMethod; path: string; handler: ApiHandler };

export function defineRoute(method: HttpMethod, path: string, handler: ApiHandler): ApiRoute {
  return { method, path, handler };
}
