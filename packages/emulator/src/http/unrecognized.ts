import { unrecognizedRoute } from "./errors.js";

/**
 * Words Stripe uses as fixed path segments where an id could otherwise stand
 * (`/v1/customers/search`, `/v1/invoices/create_preview`). A route with an `:id` must not
 * read them as ids: when the emulator does not implement the word's own route, Stripe's
 * answer is "Unrecognized request URL", not "No such customer: 'search'".
 */
const STRIPE_ROUTE_WORDS = new Set(["search", "create_preview", "upcoming", "test_helpers"]);

export function assertRecognizedPath(
  method: string,
  path: string,
  pathParams: Record<string, string>,
): void {
  if (Object.values(pathParams).some((value) => STRIPE_ROUTE_WORDS.has(value))) {
    throw unrecognizedRoute(method, path);
  }
}
