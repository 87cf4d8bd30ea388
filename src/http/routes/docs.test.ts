import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../../../test/browser.js";
import { startTestPortico, type TestPortico } from "../../../test/portico.js";
import { DOCS_CSP } from "./docs.js";

describe("GET /docs", () => {
  let t: TestPortico;
  beforeAll(async () => {
    t = await startTestPortico();
  });
  afterAll(() => t.close());

  it("serves the reference page and its assets from this origin under a self-only CSP", async () => {
    const page = await fetch(`${t.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("content-security-policy")).toBe(DOCS_CSP);
    const html = await page.text();
    // Nothing from a CDN: every reference is a path on this server.
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    expect(html).not.toMatch(/<script>|<style>|style="/);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? "");
    expect(assets).toHaveLength(5);
    for (const asset of assets) {
      const response = await fetch(`${t.url}${asset}`);
      expect(response.status, asset).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^(text\/(css|javascript)|image\/png)/);
      expect(response.headers.get("content-security-policy")).toBe(DOCS_CSP);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    expect((await fetch(`${t.url}/docs/assets/index.html`)).status).toBe(404);
    expect((await fetch(`${t.url}/docs/assets/..%2Fpackage.json`)).status).toBe(404);
  });

  it("does not put the docs CSP on the API", async () => {
    const response = await fetch(`${t.url}/healthz`);
    expect(response.headers.get("content-security-policy")).toBeNull();
  });

  it("renders every route in a browser without breaking its CSP", async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(message.text());
      });
      page.on("pageerror", (error) => problems.push(error.message));
      page.on("request", (request) => {
        if (!request.url().startsWith(t.url) && !request.url().startsWith("data:"))
          problems.push(`off-origin request: ${request.url()}`);
      });
      await page.goto(`${t.url}/docs`);
      await page.locator(".opblock").first().waitFor({ timeout: 15_000 });
      const paths = await page.locator(".opblock-summary-path").allTextContents();
      const document = (await (await fetch(`${t.url}/openapi.json`)).json()) as {
        paths: Record<string, unknown>;
      };
      const shown = paths.map((path) => path.replace(/\u200b/g, "").trim());
      for (const path of Object.keys(document.paths)) expect(shown).toContain(path);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it("tries a request out against the origin the page was opened on, not APP_URL", async () => {
    expect(new URL(t.config.appUrl).origin).not.toBe(new URL(t.url).origin);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const called: string[] = [];
      page.on("request", (request) => called.push(request.url()));
      await page.goto(`${t.url}/docs`);
      const operation = page.locator(".opblock", { hasText: "/healthz" }).first();
      await operation.locator(".opblock-summary").click();
      await operation.getByRole("button", { name: "Try it out" }).click();
      await operation.getByRole("button", { name: "Execute" }).click();
      await expect
        .poll(() =>
          operation
            .locator(".live-responses-table tbody .response-col_status")
            .first()
            .textContent(),
        )
        .toContain("200");
      expect(called).toContain(`${t.url}/healthz`);
    } finally {
      await browser.close();
    }
  });
});
