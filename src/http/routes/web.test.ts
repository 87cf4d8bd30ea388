import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_URL, startTestPortico, type TestPortico } from "../../../test/portico.js";
import { DOCS_CSP } from "./docs.js";
import { createWebRoutes, webAppCsp } from "./web.js";

/** The real build (made by test/global-setup.ts) served through the real app. */
describe("the web app served by Portico", () => {
  let t: TestPortico;
  let html: string;
  beforeAll(async () => {
    t = await startTestPortico();
    html = await (await fetch(`${t.url}/settings/billing`)).text();
  });
  afterAll(() => t.close());

  const scriptPath = () => /<script type="module"[^>]* src="([^"]+)"/.exec(html)?.[1] ?? "";

  it("answers index.html for every page path, under the CSP and never cached", async () => {
    for (const path of [
      "/",
      "/settings/billing",
      "/pricing",
      "/signin",
      "/signup",
      "/index.html",
    ]) {
      const response = await fetch(`${t.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type"), path).toMatch(/^text\/html/);
      expect(response.headers.get("cache-control"), path).toBe("no-cache");
      expect(response.headers.get("content-security-policy"), path).toBe(webAppCsp(t.config));
      expect(await response.text(), path).toBe(html);
    }
    expect(html).toContain('<div id="root"></div>');
  });

  it("lets the no-JavaScript form post reach this server and the portal's origin only", () => {
    const csp = webAppCsp(t.config);
    expect(csp).toContain("default-src 'self'; script-src 'self'; style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'; base-uri 'none'");
    // The tests' Stripe is the emulator, whose portal the form's 303 lands on.
    const emulatorOrigin = new URL(t.emulatorUrl).origin;
    expect(csp).toContain(`form-action 'self' https://billing.stripe.com ${emulatorOrigin}`);
  });

  it("fills the no-JavaScript form's return URL from APP_URL", () => {
    expect(html).toMatch(/<noscript>[\s\S]*<form method="post" action="\/api\/billing\/portal">/);
    expect(html).toContain(`name="returnUrl" value="${APP_URL}/settings/billing?portico=portal"`);
    expect(html).not.toContain("__PORTICO_PORTAL_RETURN_URL__");
  });

  it("loads only files of its own, with hashed assets cached for a year", async () => {
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    expect(html).not.toMatch(/<script>|<style>|style="/);
    expect(scriptPath()).toMatch(/^\/assets\/[\w-]+-[\w-]{8}\.js$/);
    const script = await fetch(`${t.url}${scriptPath()}`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(script.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await script.text()).length).toBeGreaterThan(1000);

    const icon = await fetch(`${t.url}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toBe("image/svg+xml");
    expect(icon.headers.get("cache-control")).toBe("no-cache");
  });

  it("answers 404 for a missing asset and for paths outside the build", async () => {
    for (const path of [
      "/assets/missing-0123abcd.js",
      "/assets/..%2F..%2Fpackage.json",
      "/..%2Fvite.config.ts",
      "/%2E%2E/%2E%2E/package.json",
    ]) {
      const response = await fetch(`${t.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(response.headers.get("content-type"), path).toMatch(/^application\/json/);
    }
  });

  it("keeps unknown API and server paths as JSON 404s rather than the page", async () => {
    const paths = ["/api", "/api/nope", "/api/billing/nope", "/api/auth/nope/deeper", "/docs/x"];
    for (const path of paths) {
      const response = await fetch(`${t.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(response.headers.get("content-security-policy"), path).not.toBe(webAppCsp(t.config));
      const body = (await response.json()) as { success: boolean; error: { code: string } };
      expect(body, path).toMatchObject({ success: false, error: { code: "NOT_FOUND" } });
    }
  });

  it("leaves the other routes at / alone", async () => {
    const openapi = await fetch(`${t.url}/openapi.json`);
    expect(openapi.headers.get("content-type")).toMatch(/^application\/json/);
    expect(((await openapi.json()) as { openapi: string }).openapi).toBe("3.1.0");
    const docs = await fetch(`${t.url}/docs`);
    expect(docs.headers.get("content-security-policy")).toBe(DOCS_CSP);
    expect(await docs.text()).toContain("swagger-ui");
    expect(((await (await fetch(`${t.url}/healthz`)).json()) as { status: string }).status).toBe(
      "ok",
    );
    const me = await fetch(`${t.url}/api/auth/me`);
    expect(me.status).toBe(401);
  });
});

describe("createWebRoutes without a build", () => {
  const config = { appUrl: "https://billing.example.com", stripe: { apiBase: undefined } };
  let distDir: string;
  beforeAll(() => {
    distDir = mkdtempSync(join(tmpdir(), "portico-web-"));
  });
  afterAll(() => rmSync(distDir, { recursive: true, force: true }));

  it("says how to build it instead of failing", async () => {
    const app = createWebRoutes({ config, distDir: join(distDir, "missing") });
    const response = await app.request("/settings/billing");
    expect(response.status).toBe(503);
    expect(response.headers.get("content-security-policy")).toBe(webAppCsp(config));
    expect(await response.text()).toContain("npm run build:web");
  });

  it("allows only Stripe's portal for form posts when Stripe is the real one", () => {
    expect(webAppCsp(config)).toMatch(/form-action 'self' https:\/\/billing\.stripe\.com$/);
  });

  it("serves a file that appears after startup, such as a rebuild", async () => {
    const app = createWebRoutes({ config, distDir });
    expect((await app.request("/assets/late-a1b2c3d4.js")).status).toBe(404);
    mkdirSync(join(distDir, "assets"), { recursive: true });
    writeFileSync(join(distDir, "assets", "late-a1b2c3d4.js"), "export {};\n");
    writeFileSync(join(distDir, "index.html"), "<p>__PORTICO_PORTAL_RETURN_URL__</p>");
    const asset = await app.request("/assets/late-a1b2c3d4.js");
    expect(asset.status).toBe(200);
    expect(await asset.text()).toBe("export {};\n");
    const page = await app.request("/pricing");
    expect(await page.text()).toBe(
      "<p>https://billing.example.com/settings/billing?portico=portal</p>",
    );
  });

  it("never serves HTML files as plain assets", async () => {
    writeFileSync(join(distDir, "other.html"), "<p>unprotected</p>");
    const app = createWebRoutes({ config, distDir });
    expect((await app.request("/other.html")).status).toBe(404);
  });
});
