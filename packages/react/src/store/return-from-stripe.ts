/**
 * How the visitor came back: the return URLs the buttons hand to Stripe carry a `portico`
 * query parameter, read once on load and then removed so a reload does not repeat it. A
 * return for an organization also carries `portico_org`, so that on a page showing the
 * user's billing and the organization's, the provider of that organization takes it.
 */
export type ReturnKind = "portal" | "checkout-success" | "checkout-canceled";

const PARAM = "portico";
const ORG_PARAM = "portico_org";
const KINDS: readonly string[] = ["portal", "checkout-success", "checkout-canceled"];

/**
 * `page` (default the current one; a path or a URL) with `?portico=<kind>`; called on
 * click, never while rendering.
 */
export function returnUrlFor(kind: ReturnKind, page?: string, organizationId?: string): string {
  const url = new URL(page ?? window.location.href, window.location.href);
  url.searchParams.set(PARAM, kind);
  if (organizationId === undefined) url.searchParams.delete(ORG_PARAM);
  else url.searchParams.set(ORG_PARAM, organizationId);
  url.hash = "";
  return url.href;
}

/**
 * Reads and strips the marker when it is for `organizationId` (the user's when undefined);
 * undefined on an ordinary visit, or when the return is another subject's to take.
 */
export function takeReturnKind(organizationId: string | undefined): ReturnKind | undefined {
  const url = new URL(window.location.href);
  const kind = url.searchParams.get(PARAM);
  if (kind === null || !KINDS.includes(kind)) return undefined;
  if ((url.searchParams.get(ORG_PARAM) ?? undefined) !== organizationId) return undefined;
  url.searchParams.delete(PARAM);
  url.searchParams.delete(ORG_PARAM);
  window.history.replaceState(window.history.state, "", url.href);
  return kind as ReturnKind;
}
