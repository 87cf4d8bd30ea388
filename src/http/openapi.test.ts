import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createResponseValidator,
  fetchOpenApiDocument,
  type OpenApiDocument,
} from "../../test/openapi-responses.js";
import {
  APP_URL,
  giveCustomer,
  saveDefaultPortal,
  signUp,
  startTestPortico,
  type TestPortico,
} from "../../test/portico.js";

/** The document itself, the reference page and the web app (routes/web.ts) are not API operations. */
const NOT_API = new Set(["/openapi.json", "/docs", "/docs/assets/:name", "/", "/index.html", "/*"]);

const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, "{$1}");

describe("the OpenAPI document", () => {
  let t: TestPortico;
  let document: OpenApiDocument;
  beforeAll(async () => {
    t = await startTestPortico({ env: { METRICS_TOKEN: "metrics-token-0123456789abcdef" } });
    await saveDefaultPortal(t);
    document = await fetchOpenApiDocument(t.url);
  });
  afterAll(() => t.close());

  it("describes every registered route with its error responses", () => {
    const endpoints = new Set(
      t.portico.app.routes
        .filter((route) => route.method !== "ALL" && !NOT_API.has(route.path))
        .map((route) => `${route.method.toLowerCase()} ${toOpenApiPath(route.path)}`),
    );
    expect(endpoints.size).toBeGreaterThan(5);
    const problems: string[] = [];
    const expectStatus = (endpoint: string, errors: number[], status: number, why: string) => {
      if (!errors.includes(status))
        problems.push(`${endpoint}: ${status} is not documented (${why})`);
    };
    for (const endpoint of endpoints) {
      const [method = "", path = ""] = endpoint.split(" ");
      const operation = document.paths[path]?.[method];
      if (!operation) {
        problems.push(`${endpoint}: missing from /openapi.json`);
        continue;
      }
      const errors = Object.keys(operation.responses)
        .map(Number)
        .filter((status) => status >= 400);
      expectStatus(endpoint, errors, 500, "anything can fail unexpectedly");
      if (operation.requestBody) expectStatus(endpoint, errors, 422, "it takes a body");
      const security = operation.security ?? [];
      if (security.length > 0 && !security.some((scheme) => Object.keys(scheme).length === 0))
        expectStatus(endpoint, errors, 401, "it requires a credential");
      for (const status of errors) {
        const content = operation.responses[String(status)]?.content;
        // A page for a browser (a dead sign-in link) is HTML by design; the rest is JSON.
        if (!content?.["application/json"]?.schema && !content?.["text/html"]?.schema)
          problems.push(`${endpoint}: ${status} has no JSON error schema`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("matches real responses: portal 200/401/404/422, auth 201/200/401, v1 and operations", async () => {
    const { validate, checked } = createResponseValidator(document);
    const call = async (method: string, path: string, init: RequestInit = {}) => {
      const response = await fetch(`${t.url}${path}`, { method, ...init });
      await validate({ method, path }, response);
      return response;
    };
    const json = (body: unknown, token?: string): RequestInit => ({
      headers: {
        "content-type": "application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });
    const credentials = { email: `doc-${Date.now()}@example.com`, password: "correct horse" };
    const returnUrl = `${APP_URL}/settings/billing`;

    expect((await call("POST", "/api/auth/signup", json(credentials))).status).toBe(201);
    const login = await call("POST", "/api/auth/login", json(credentials));
    expect(login.status).toBe(200);
    const wrong = json({ ...credentials, password: "wrong password" });
    expect((await call("POST", "/api/auth/login", wrong)).status).toBe(401);
    expect((await call("POST", "/api/auth/signup", json({ email: "nope" }))).status).toBe(422);
    expect((await call("GET", "/api/auth/me")).status).toBe(401);

    const { token, user } = await signUp(t);
    const bearer = { headers: { authorization: `Bearer ${token}` } };
    expect((await call("GET", "/api/auth/me", bearer)).status).toBe(200);
    const portal = "/api/billing/portal";
    expect((await call("POST", portal, json({ returnUrl }))).status).toBe(401);
    expect((await call("POST", portal, json({ returnUrl }, token))).status).toBe(404);
    const offsite = json({ returnUrl: "https://evil.example/x" }, token);
    expect((await call("POST", portal, offsite)).status).toBe(422);
    await giveCustomer(t, user.id);
    expect((await call("POST", portal, json({ returnUrl }, token))).status).toBe(200);

    const v1 = "/api/v1/payments/stripe/customer-portal";
    expect((await call("POST", v1, json({ return_url: returnUrl }))).status).toBe(401);
    expect((await call("POST", v1, json({ return_url: "ftp://x" }, token))).status).toBe(422);
    expect((await call("POST", v1, json({ return_url: returnUrl }, token))).status).toBe(200);

    expect((await call("GET", "/healthz")).status).toBe(200);
    expect((await call("GET", "/readyz")).status).toBe(503);
    expect((await call("GET", "/metrics")).status).toBe(401);
    const scrape = { headers: { authorization: "Bearer metrics-token-0123456789abcdef" } };
    expect((await call("GET", "/metrics", scrape)).status).toBe(200);
    expect((await call("POST", "/api/auth/logout", bearer)).status).toBe(200);

    expect([...checked]).toEqual(
      expect.arrayContaining([
        "POST /api/billing/portal 200",
        "POST /api/billing/portal 401",
        "POST /api/billing/portal 404",
        "POST /api/billing/portal 422",
        "POST /api/auth/signup 201",
        "POST /api/auth/login 401",
      ]),
    );
  });

  it("refuses a body that does not match, so the checks above can fail", async () => {
    const { validate } = createResponseValidator(document);
    const forged = new Response(JSON.stringify({ success: true, data: { url: 42 } }), {
      status: 200,
      headers: { "content-type": "application/json" },
    });
    await expect(validate({ method: "POST", path: "/api/billing/portal" }, forged)).rejects.toThrow(
      /does not match/,
    );
    const undocumented = new Response("{}", {
      status: 418,
      headers: { "content-type": "application/json" },
    });
    await expect(
      validate({ method: "POST", path: "/api/billing/portal" }, undocumented),
    ).rejects.toThrow(/not documented/);
  });
});
