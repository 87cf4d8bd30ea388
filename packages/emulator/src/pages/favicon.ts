import type { Hono } from "hono";
import { html } from "hono/html";

/** A small purple "S" card, so hosted pages look like Stripe's in a tab. */
const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#635bff"/><text x="16" y="23" font-family="system-ui,sans-serif" font-size="20" font-weight="700" fill="#fff" text-anchor="middle">S</text></svg>';

/**
 * Inline, so a hosted page needs no second request; without any icon browsers fetch
 * `/favicon.ico` and log its 404 as a console error on every page.
 */
export const FAVICON_LINK = html`<link rel="icon" type="image/svg+xml" href="data:image/svg+xml,${encodeURIComponent(FAVICON_SVG)}" />`;

/** For clients that ask for `/favicon.ico` anyway (bookmarks, non-HTML responses). */
export function registerFavicon(app: Hono): void {
  app.get("/favicon.ico", (c) =>
    c.body(FAVICON_SVG, 200, {
      "Content-Type": "image/svg+xml",
      "Cache-Control": "public, max-age=86400",
    }),
  );
}
