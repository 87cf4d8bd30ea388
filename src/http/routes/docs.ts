import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Hono } from "hono";
import type { AppEnv } from "../context.js";

/**
 * `GET /docs`: the OpenAPI document rendered by Swagger UI, served from the
 * `swagger-ui-dist` package in node_modules. Nothing is fetched from a CDN, so
 * the page works offline and its CSP can allow only this origin.
 */

export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  // Swagger UI's stylesheet draws its icons as data: SVGs.
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const distDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Portico API reference</title>
    <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
    <link rel="stylesheet" href="/docs/assets/docs.css">
    <link rel="icon" type="image/png" href="/docs/assets/favicon.png">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/docs/assets/docs.js"></script>
  </body>
</html>
`;

// An inline script would need 'unsafe-inline'; a file from this origin does not.
const INIT_SCRIPT = `window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
`;

const STYLE = "body { margin: 0; background: #fafafa; }\n";

type Asset = { type: string; body: () => string | Buffer };

const once = <T>(read: () => T) => {
  let cached: T | undefined;
  return () => {
    cached ??= read();
    return cached;
  };
};

const ASSETS: Record<string, Asset> = {
  "swagger-ui.css": {
    type: "text/css; charset=utf-8",
    body: once(() => readFileSync(join(distDir, "swagger-ui.css"), "utf8")),
  },
  "swagger-ui-bundle.js": {
    type: "text/javascript; charset=utf-8",
    body: once(() => readFileSync(join(distDir, "swagger-ui-bundle.js"), "utf8")),
  },
  "favicon.png": {
    type: "image/png",
    body: once(() => readFileSync(join(distDir, "favicon-32x32.png"))),
  },
  "docs.js": { type: "text/javascript; charset=utf-8", body: () => INIT_SCRIPT },
  "docs.css": { type: "text/css; charset=utf-8", body: () => STYLE },
};

export function createDocsRoutes() {
  const app = new Hono<AppEnv>();
  app.use("/docs/*", async (c, next) => {
    await next();
    c.header("Content-Security-Policy", DOCS_CSP);
  });
  app.get("/docs", (c) => c.html(PAGE));
  app.get("/docs/assets/:name", (c) => {
    const asset = ASSETS[c.req.param("name")];
    if (!asset) return c.notFound();
    c.header("Cache-Control", "public, max-age=3600");
    const body = asset.body();
    return c.body(typeof body === "string" ? body : new Uint8Array(body), 200, {
      "Content-Type": asset.type,
    });
  });
  return app;
}
