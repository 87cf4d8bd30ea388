/**
 * How the visitor came back: the return URLs the buttons hand to Stripe carry a `portico`
 * query parameter, read once on load and then removed so a reload does not repeat it.
 */
export type ReturnKind = "portal" | "checkout-success" | "checkout-canceled";

const PARAM = "portico";
const KINDS: readonly string[] = ["portal", "checkout-success", "checkout-canceled"];

/**
 * `page` (default the current one; a path or a URL) with `?portico=<kind>`; called on
 * click, never while rendering.
 */
export function returnUrlFor(kind: ReturnKind, page?: string): string {
  const url = new URL(page ?? window.location.href, window.location.href);
  url.searchParams.set(PARAM, kind);
  url.hash = "";
  return url.href;
}

/** Reads and strips the marker; undefined on an ordinary visit. */
export function takeReturnKind(): ReturnKind | undefined {
  const url = new URL(window.location.href);
  const kind = url.searchParams.get(PARAM);
  if (kind === null || !KINDS.includes(kind)) return undefined;
  url.searchParams.delete(PARAM);
  window.history.replaceState(window.history.state, "", url.href);
  return kind as ReturnKind;
}
