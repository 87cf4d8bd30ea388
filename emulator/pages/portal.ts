import type { Hono } from "hono";
import { html } from "hono/html";
import type { Store } from "../store.js";

/**
 * The hosted portal a session URL opens. Deliberately minimal for now: it proves the URL
 * resolves to the right customer and offers the return link.
 */
export function registerPortalPages(app: Hono, store: Store): void {
  app.get("/p/session/:token", (c) => {
    const link = store.portalLinks.get(c.req.param("token"));
    const session = link?.account.collections["billing_portal.session"].get(link.sessionId);
    if (!link || !session)
      return c.html("<h1>This portal link is invalid or has expired.</h1>", 404);
    const customer = link.account.collections.customer.get(session.customer);
    const email = customer && !("deleted" in customer) ? customer.email : null;
    const configuration = link.account.collections["billing_portal.configuration"].get(
      session.configuration as string,
    );
    const headline = configuration?.business_profile.headline ?? "Manage your billing";
    return c.html(html`<!doctype html>
<html lang="${session.locale ?? "en"}">
  <head><meta charset="utf-8" /><title>${headline}</title></head>
  <body>
    <main data-session="${session.id}" data-customer="${session.customer}">
      <h1>${headline}</h1>
      <p>${email ?? session.customer}</p>
      ${session.flow ? html`<p data-flow="${session.flow.type}">Flow: ${session.flow.type}</p>` : ""}
      ${session.return_url ? html`<a href="${session.return_url}">Return</a>` : ""}
    </main>
  </body>
</html>`);
  });
}
