import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

/**
 * The billing web app. `npm run build:web` writes `web/dist`, which Portico serves;
 * `npm run dev` (web/dev.ts) serves this with hot reload and proxies the API to Portico.
 */

const PORTICO_URL = process.env.PORTICO_DEV_URL ?? "http://127.0.0.1:3000";
const PROXIED = ["/api", "/openapi.json", "/docs", "/healthz", "/readyz", "/metrics"];

/**
 * In production Portico fills the no-JavaScript form's return URL from APP_URL
 * (src/http/routes/web.ts); the dev server has no Portico in front of it.
 */
function devPortalReturnUrl(): Plugin {
  return {
    name: "portico-dev-return-url",
    apply: "serve",
    transformIndexHtml(html, context) {
      const origin = context.server?.resolvedUrls?.local[0] ?? "http://localhost:5173/";
      const returnUrl = new URL("/settings/billing?portico=portal", origin).href;
      return html.replaceAll("__PORTICO_PORTAL_RETURN_URL__", returnUrl);
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [react(), devPortalReturnUrl()],
  // The React package from source: the app is rebuilt on it without building it first.
  resolve: {
    alias: {
      "@portico/react": fileURLToPath(new URL("../packages/react/src/index.ts", import.meta.url)),
    },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Images and fonts stay files: the CSP allows data: images but not data: fonts.
    assetsInlineLimit: 0,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: Object.fromEntries(PROXIED.map((path) => [path, { target: PORTICO_URL }])),
  },
});
