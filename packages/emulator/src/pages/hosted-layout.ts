import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { FAVICON_LINK } from "./favicon.js";

type Content = HtmlEscapedString | Promise<HtmlEscapedString>;

/** Inline styles only: hosted pages must work with no network beyond the emulator. */
const STYLE = `
body { font-family: system-ui, sans-serif; margin: 0; background: #f6f8fa; color: #1a1f36; }
main { max-width: 34rem; margin: 2rem auto; background: #fff; padding: 2rem; border-radius: 8px;
  box-shadow: 0 1px 3px rgba(0,0,0,.12); }
table { width: 100%; border-collapse: collapse; margin: 1rem 0; }
td, th { padding: .4rem 0; text-align: left; border-bottom: 1px solid #e3e8ee; }
td.amount, th.amount { text-align: right; }
label { display: block; margin-top: .8rem; font-weight: 600; }
input { display: block; width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem;
  border: 1px solid #c1c9d2; border-radius: 4px; }
input:focus, button:focus, a:focus { outline: 3px solid #635bff; outline-offset: 1px; }
.row { display: flex; gap: 1rem; } .row > div { flex: 1; }
button { margin-top: 1.2rem; width: 100%; padding: .7rem; font-size: 1rem; background: #635bff;
  color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
[role=alert] { color: #df1b41; margin-top: 1rem; }
.muted { color: #697386; }
`;

/** The document shell shared by the hosted checkout and invoice pages. */
export function renderHostedPage(title: string, body: Content) {
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title}</title>
    ${FAVICON_LINK}
    <style>${STYLE}</style>
  </head>
  <body>
    <main>${body}</main>
  </body>
</html>`;
}
