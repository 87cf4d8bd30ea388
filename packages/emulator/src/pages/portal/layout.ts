import { html } from "hono/html";
import { FAVICON_LINK } from "../favicon.js";
import { describeReturnLink } from "./format.js";
import type { PortalView } from "./session.js";

export type Html = ReturnType<typeof html>;

/** Styles live inline: the page must work with no network beyond the emulator. */
const STYLES = `
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f6f8fa; color: #1a1f36; }
  main { max-width: 44rem; margin: 0 auto; padding: 1.5rem; }
  section, article { background: #fff; border: 1px solid #e3e8ee; border-radius: 8px; padding: 1rem 1.25rem; margin: 1rem 0; }
  h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 0; }
  a, button { color: #5469d4; }
  button { font: inherit; padding: .4rem .9rem; border-radius: 6px; border: 1px solid #5469d4; background: #fff; cursor: pointer; }
  button.primary { background: #5469d4; color: #fff; }
  :focus-visible { outline: 3px solid #1a1f36; outline-offset: 2px; }
  label { display: block; margin: .6rem 0 .2rem; }
  input[type=text], input[type=email], input[type=tel] { font: inherit; padding: .35rem .5rem; width: 100%; max-width: 24rem; box-sizing: border-box; }
  fieldset { border: 1px solid #e3e8ee; border-radius: 6px; margin: 1rem 0; }
  fieldset label { display: inline; margin: 0 0 0 .3rem; }
  table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e3e8ee; }
  [role=alert] { color: #b3093c; font-weight: 600; } [role=status] { color: #0e6245; font-weight: 600; }
  ul.plain { list-style: none; padding: 0; } ul.plain li { padding: .4rem 0; }
  .actions { display: flex; gap: .6rem; flex-wrap: wrap; align-items: center; margin-top: .6rem; }
`;

/** Fixed messages chosen by key, so a query string can never inject text into the page. */
const NOTICES: Record<string, string> = {
  canceled: "Your plan has been canceled.",
  "cancel-scheduled": "Your plan will be canceled at the end of the billing period.",
  renewed: "Your plan will renew as usual.",
  updated: "Your plan has been updated.",
  paused: "Payments for your plan are paused.",
  resumed: "Payments for your plan have resumed.",
  "card-added": "Your card was added.",
  "default-set": "Your default payment method was updated.",
  "card-removed": "Your card was removed.",
  "details-saved": "Your billing information was saved.",
};

export function renderNotice(key: string | undefined): Html | "" {
  const message = key ? NOTICES[key] : undefined;
  return message ? html`<p role="status">${message}</p>` : "";
}

export function renderReturnLink(returnUrl: string | null): Html | "" {
  return returnUrl ? html`<p><a href="${returnUrl}">${describeReturnLink(returnUrl)}</a></p>` : "";
}

export function renderPage(options: {
  title: string;
  body: Html | Html[];
  returnUrl?: string | null;
  lang?: string | null;
  csrfToken?: string;
}): Html {
  return html`<!doctype html>
<html lang="${options.lang && options.lang !== "auto" ? options.lang : "en"}">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="no-referrer" />
    ${options.csrfToken ? html`<meta name="csrf-token" content="${options.csrfToken}" />` : ""}
    <title>${options.title}</title>
    ${FAVICON_LINK}
    <style>${STYLES}</style>
  </head>
  <body>
    <main>
      ${renderReturnLink(options.returnUrl ?? null)}
      ${options.body}
    </main>
  </body>
</html>`;
}

/** A screen inside a live session: headline from the configuration, the session's return link. */
export function renderPortalPage(view: PortalView, title: string, body: Html | Html[]): Html {
  return renderPage({
    title,
    body,
    returnUrl: view.session.return_url,
    lang: view.session.locale,
    csrfToken: view.csrfToken,
  });
}

export function renderMessagePage(
  heading: string,
  message: string,
  returnUrl: string | null = null,
): Html {
  return renderPage({
    title: heading,
    returnUrl,
    body: html`<h1>${heading}</h1><p>${message}</p>`,
  });
}
