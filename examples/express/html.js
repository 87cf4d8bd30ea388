/** The example's whole HTML kit: one page shell and escaping. No CDN, no remote fonts. */

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (char) => ESCAPES[char]);
}

/** `body` and `head` are HTML already escaped by the caller. */
export function renderPage({ title, body, head = "" }) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
${head}
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; }
  form { display: inline-block; margin: 0.5rem 0.5rem 0 0; }
  button { font: inherit; padding: 0.4rem 1rem; cursor: pointer; }
  [role="alert"] { color: #b00020; }
  [role="status"] { color: #0a6b2f; }
</style>
</head>
<body>
${body}
</body>
</html>`;
}
