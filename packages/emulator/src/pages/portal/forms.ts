import { html } from "hono/html";
import type { Html } from "./layout.js";
import type { PortalView } from "./session.js";

/** Every POST form carries the session's CSRF token (see `session.ts`). */
export function renderCsrfField(view: PortalView): Html {
  return html`<input type="hidden" name="csrf" value="${view.csrfToken}" />`;
}

/** A single-button POST form, the portal's way of doing anything that changes state. */
export function renderActionForm(
  view: PortalView,
  action: string,
  label: string,
  options: { primary?: boolean; describedBy?: string; fields?: Record<string, string> } = {},
): Html {
  const hidden = Object.entries(options.fields ?? {}).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`,
  );
  return html`<form method="post" action="${view.base}${action}">
    ${renderCsrfField(view)}${hidden}
    <button type="submit" class="${options.primary ? "primary" : ""}"${
      options.describedBy ? html` aria-describedby="${options.describedBy}"` : ""
    }>${label}</button>
  </form>`;
}

/** Where "Go back" leads: inside a deep-link flow there is no homepage to go back to. */
export function backLink(view: PortalView): Html {
  const flowOpen = view.session.flow && !view.link.flowCompleted;
  const href = flowOpen ? (view.session.return_url ?? view.base) : view.base;
  return html`<a href="${href}">Go back</a>`;
}

/** The last step of a screen: its inputs, the primary submit button and "Go back". */
export function renderStepForm(
  view: PortalView,
  action: string,
  submitLabel: string,
  fields: Html | Html[] | "" = "",
): Html {
  return html`<form method="post" action="${view.base}${action}">
    ${renderCsrfField(view)}
    ${fields}
    <div class="actions">
      <button type="submit" class="primary">${submitLabel}</button>
      ${backLink(view)}
    </div>
  </form>`;
}
