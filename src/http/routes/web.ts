import { readFile, stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { type Context, Hono } from "hono";
import type { Config } from "../../config.js";
import type { AppEnv } from "../context.js";

/**
 * The billing web app (`web/`, built by Vite into `web/dist`) served at `/`: hashed
 * assets under `/assets/` cached for a year, and `index.html` for every other page path
 * so the app's own router picks the page. Registered after every API route, so it never
 * answers for `/api/*`, `/docs`, `/openapi.json` or the probes.
 */

export const DEFAULT_WEB_DIST = fileURLToPath(new URL("../../../web/dist", import.meta.url));

/** Where Stripe's customer portal lives; a form post's 303 lands there. */
const STRIPE_PORTAL_ORIGIN = "https://billing.stripe.com";

/** In `web/index.html`'s no-JavaScript form; the server fills in its own APP_URL. */
export const RETURN_URL_PLACEHOLDER = "__PORTICO_PORTAL_RETURN_URL__";

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
};

/**
 * Chromium checks `form-action` against the redirect target of a form post too, so the
 * no-JavaScript Manage billing form needs the portal's origin: Stripe's, and the
 * configured API base's when Portico talks to the emulator or a proxy.
 */
export function webAppCsp(config: { stripe: Pick<Config["stripe"], "apiBase"> }): string {
  const portalOrigins = [STRIPE_PORTAL_ORIGIN];
  if (config.stripe.apiBase) portalOrigins.push(new URL(config.stripe.apiBase).origin);
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    `form-action 'self' ${[...new Set(portalOrigins)].join(" ")}`,
  ].join("; ");
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Portico</title></head>
<body><h1>The web app is not built</h1><p>Run <code>npm run build:web</code>, or start Portico with <code>npm start</code>, which builds it.</p></body></html>
`;

/**
 * A path the single-page app may own: no file extension (assets have one), and none of
 * the server's own prefixes, so e.g. a disabled `/metrics` stays a JSON 404, not a page.
 */
const SERVER_PATHS = /^\/(?:api|docs|metrics|healthz|readyz)(?:\/|$)/;
const isPagePath = (path: string) => !SERVER_PATHS.test(path) && extname(path) === "";

export function createWebRoutes(deps: {
  config: Pick<Config, "appUrl"> & { stripe: Pick<Config["stripe"], "apiBase"> };
  distDir?: string;
}) {
  const distDir = resolve(deps.distDir ?? DEFAULT_WEB_DIST);
  const csp = webAppCsp(deps.config);
  const returnUrl = new URL("/settings/billing?portico=portal", deps.config.appUrl).href;
  const app = new Hono<AppEnv>();

  // Read on each request: `npm start` or a rebuild may replace the files while we run.
  const serveIndex = async (c: Context<AppEnv>) => {
    c.header("Content-Security-Policy", csp);
    c.header("Cache-Control", "no-cache");
    const html = await readFile(join(distDir, "index.html"), "utf8").catch(() => undefined);
    if (html === undefined) return c.html(NOT_BUILT_PAGE, 503);
    return c.html(html.replaceAll(RETURN_URL_PLACEHOLDER, escapeAttribute(returnUrl)));
  };

  app.get("/", serveIndex);
  app.get("/index.html", serveIndex);
  app.get("*", async (c, next) => {
    const path = c.req.path;
    if (isPagePath(path)) return serveIndex(c);
    const file = await findFile(distDir, path);
    if (!file) return next();
    // Vite puts a content hash in every name under assets/, so it can be cached forever.
    const immutable = path.startsWith("/assets/");
    c.header("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
    c.header("Content-Type", CONTENT_TYPES[extname(file)] ?? "application/octet-stream");
    return c.body(new Uint8Array(await readFile(file)));
  });
  return app;
}

/** A regular file inside `distDir` for a URL path, never one outside it. */
async function findFile(distDir: string, urlPath: string): Promise<string | undefined> {
  // HTML only through serveIndex, which adds the CSP and the return URL.
  if (urlPath.includes("\0") || extname(urlPath) === ".html") return undefined;
  const file = resolve(distDir, `.${urlPath}`);
  if (!file.startsWith(distDir + sep)) return undefined;
  const info = await stat(file).catch(() => undefined);
  return info?.isFile() ? file : undefined;
}

const escapeAttribute = (value: string) =>
  value.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;");
