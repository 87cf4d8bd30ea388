import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../../test/browser.js";
import { signUp, startTestPortico, type TestPortico } from "../../test/portico.js";
import { createTestProject, projectToken, type TestProject } from "../../test/projects.js";

/**
 * A browser app on another origin calling Portico with a bearer token, in Chromium: allowed
 * from the return-URL origins (the server's, and each project's for its own tokens),
 * refused from any other, and never with cookies.
 */

/** A page on its own origin to run `fetch` from, as the app's page would. */
async function startAppOrigin(): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) => {
    response
      .writeHead(200, { "content-type": "text/html" })
      .end("<!doctype html><title>app</title>");
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

type Outcome = { status: number } | { error: string };

function fetchFrom(
  page: Page,
  request: { url: string; token: string; method?: string; body?: unknown; cookies?: boolean },
): Promise<Outcome> {
  return page.evaluate(async ({ url, token, method, body, cookies }) => {
    try {
      const response = await fetch(url, {
        method: method ?? "GET",
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        credentials: cookies ? "include" : "omit",
      });
      return { status: response.status };
    } catch (error) {
      return { error: String(error) };
    }
  }, request);
}

describe("cross-origin calls from a browser app", () => {
  let browser: Browser;
  let t: TestPortico;
  const apps: { url: string; server: Server }[] = [];
  let allowed: string;
  let stranger: string;
  let projectApp: string;
  let project: TestProject;

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) apps.push(await startAppOrigin());
    [allowed, stranger, projectApp] = apps.map((app) => app.url) as [string, string, string];
    t = await startTestPortico({ projects: true, env: { RETURN_URL_ORIGINS: allowed } });
    const port = Number(new URL(projectApp).port);
    project = await createTestProject(t, "acme", { port, origin: projectApp });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    for (const app of apps) app.server.close();
  });

  async function pageAt(origin: string) {
    const page = await browser.newPage();
    await page.goto(origin);
    return page;
  }

  it("answers a return-URL origin's bearer calls, preflight included, and no other origin's", async () => {
    const { token } = await signUp(t);
    const subscription = { url: `${t.url}/api/billing/subscription`, token };
    const portal = {
      url: `${t.url}/api/billing/portal`,
      token,
      method: "POST",
      body: { returnUrl: `${allowed}/billing` },
    };

    const page = await pageAt(allowed);
    expect(await fetchFrom(page, subscription)).toEqual({ status: 200 });
    // No Stripe customer yet: the app reads Portico's answer, a 404, not a network error.
    expect(await fetchFrom(page, portal)).toEqual({ status: 404 });
    // With cookies the browser refuses: credentials are never allowed cross-origin.
    expect(await fetchFrom(page, { ...subscription, cookies: true })).toEqual({
      error: expect.stringContaining("Failed to fetch"),
    });

    const foreign = await pageAt(stranger);
    expect(await fetchFrom(foreign, subscription)).toEqual({
      error: expect.stringContaining("Failed to fetch"),
    });
  });

  it("answers a project's app from its own origins, with that project's tokens", async () => {
    const token = await projectToken(project);
    const request = { url: `${t.url}/api/billing/subscription`, token };
    expect(await fetchFrom(await pageAt(projectApp), request)).toEqual({ status: 200 });
    // The server's own return origin is not this project's.
    expect(await fetchFrom(await pageAt(allowed), request)).toEqual({
      error: expect.stringContaining("Failed to fetch"),
    });
  });

  it("says so in the headers a preflight gets", async () => {
    const preflight = (origin: string, path = "/api/billing/portal") =>
      fetch(`${t.url}${path}`, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization,content-type",
        },
      });
    const ok = await preflight(allowed);
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe(allowed);
    expect(ok.headers.get("access-control-allow-headers")).toContain("authorization");
    expect(ok.headers.get("access-control-allow-credentials")).toBeNull();
    const refused = await preflight(stranger);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    // Servers, not browsers, call the webhook and admin routes.
    const webhook = await preflight(allowed, "/api/webhooks/stripe");
    expect(webhook.headers.get("access-control-allow-origin")).toBeNull();
  });
});
