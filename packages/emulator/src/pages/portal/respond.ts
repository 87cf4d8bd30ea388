import type { Context } from "hono";
import { html } from "hono/html";
import { type FormData, parseForm } from "../../http/form.js";
import { PortalActionError } from "../../resources/portal-actions.js";
import type { Store } from "../../store.js";
import { type Html, renderMessagePage, renderPage } from "./layout.js";
import { type PortalView, resolvePortalSession, verifyCsrfToken } from "./session.js";

/**
 * The portal's session URL is a bearer secret: pages are never cached, and the referrer
 * policy (set in the layout) keeps it out of the merchant's logs.
 */
const PAGE_HEADERS = { "Cache-Control": "no-store" };

type PortalHandler = (view: PortalView) => Html | Response | Promise<Html | Response>;

function sendPage(c: Context, page: Html, status = 200) {
  return c.html(page, status as 200, PAGE_HEADERS);
}

/**
 * Runs a portal screen or action for a live session. Unknown tokens get a 404 page, expired
 * sessions the "expired" page (410), and refused actions a page with their status; none of
 * these change anything.
 */
export async function respondToPortal(store: Store, c: Context, handle: PortalHandler) {
  const resolved = resolvePortalSession(store, c);
  if (resolved.kind === "missing") {
    return sendPage(c, renderMessagePage("Page not found", "This portal link is invalid."), 404);
  }
  if (resolved.kind === "expired") {
    const message = "Portal links are short-lived. Go back and open the billing portal again.";
    return sendPage(
      c,
      renderMessagePage("This session has expired", message, resolved.returnUrl),
      410,
    );
  }
  const { view } = resolved;
  try {
    const result = await handle(view);
    return result instanceof Response ? result : sendPage(c, result);
  } catch (error) {
    if (!(error instanceof PortalActionError)) throw error;
    const heading = error.status === 404 ? "Not found" : "Something went wrong";
    const page = renderPage({
      title: heading,
      lang: view.session.locale,
      body: html`<h1>${heading}</h1>
        <p role="alert">${error.message}</p>
        <p><a href="${view.base}">Back to the billing portal</a></p>`,
    });
    return sendPage(c, page, error.status);
  }
}

/** Reads a POSTed form and refuses it unless it carries this session's CSRF token. */
export async function readPortalForm(c: Context, view: PortalView): Promise<FormData> {
  const form = parseForm(await c.req.text());
  if (!verifyCsrfToken(view, form.csrf)) {
    throw new PortalActionError(
      "This form is no longer valid. Reload the page and try again.",
      403,
    );
  }
  return form;
}

/** Post/redirect/get: every action answers 303 so a reload never repeats it. */
export function redirectAfterPost(c: Context, location: string) {
  return c.redirect(location, 303);
}

export function readField(form: FormData, name: string): string {
  const value = form[name];
  return typeof value === "string" ? value : "";
}
