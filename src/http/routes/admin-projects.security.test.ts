import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_ENV, ADMIN_TOKEN, adminRequest, readAdmin } from "../../../test/admin-projects.js";
import { fetchOpenApiDocument } from "../../../test/openapi-responses.js";
import { startTestPortico, type TestPortico } from "../../../test/portico.js";
import { createLogger } from "../../logger.js";

const WRONG_TOKENS = [
  `${ADMIN_TOKEN}x`,
  ADMIN_TOKEN.slice(0, -1),
  ADMIN_TOKEN.toUpperCase(),
  // The configured hash is not a token: holding the environment is not holding the API.
  ADMIN_ENV.PORTICO_ADMIN_TOKEN_SHA256,
];

/** Every admin operation, each with a body it would accept. */
const OPERATIONS = [
  ["GET", "", undefined],
  ["GET", "?include_deleted=true", undefined],
  ["POST", "", { id: "intruder", name: "Intruder" }],
  ["GET", "/intruder", undefined],
  ["PUT", "/intruder/keys", { testWebhookSecrets: [] }],
  ["PUT", "/intruder/config", { returnOrigins: [] }],
  ["DELETE", "/intruder", undefined],
  ["DELETE", "/intruder?purge=true", undefined],
] as const;

/** A token shaped like an end user's JWT, naming a project: the router's cue. */
const jwtNaming = (projectId: string) => {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "none" })}.${part({ project_id: projectId })}.`;
};

describe("the admin API's security", () => {
  let t: TestPortico;
  const logLines: string[] = [];
  let address = 0;
  // TRUST_PROXY: each test comes from addresses of its own, so failure counts stay apart.
  const from = () => ({ "x-forwarded-for": `198.51.100.${++address}` });

  beforeAll(async () => {
    t = await startTestPortico({
      env: { ...ADMIN_ENV, TRUST_PROXY: "true", RATE_LIMIT_LOGIN: "3/300s" },
      logger: (config) =>
        createLogger(
          { ...config, logLevel: "trace" },
          { write: (line: string) => logLines.push(line) },
        ),
    });
  });
  afterAll(() => t.close());

  it("answers 401 to a missing, malformed or wrong token on every operation", async () => {
    const headers: Record<string, string>[] = [
      {},
      { authorization: ADMIN_TOKEN },
      { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString("base64")}` },
      { authorization: `Bearer ${ADMIN_TOKEN} extra` },
      ...WRONG_TOKENS.map((token) => ({ authorization: `Bearer ${token}` })),
    ];
    for (const [method, path, body] of OPERATIONS) {
      for (const header of headers) {
        const response = await adminRequest(t, method, path, {
          body,
          token: null,
          headers: { ...from(), ...header },
        });
        const answer = await readAdmin(response);
        expect(answer.status, `${method} ${path} ${JSON.stringify(header)}`).toBe(401);
        expect(answer.body).toMatchObject({ success: false, error: { code: "UNAUTHORIZED" } });
        expect(response.headers.get("www-authenticate")).toBe('Bearer realm="portico-admin"');
      }
    }
    // Nothing was written.
    const list = await readAdmin(
      await adminRequest(t, "GET", "?include_deleted=true", { headers: from() }),
    );
    expect(list.body).toEqual({ success: true, data: { projects: [] } });
  });

  it("refuses an address after too many wrong tokens, even with the right one; others pass", async () => {
    const attacker = from();
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await adminRequest(t, "GET", "", { token: "guess", headers: attacker });
      expect(response.status).toBe(401);
    }
    const limited = await adminRequest(t, "GET", "", { headers: attacker });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await readAdmin(limited)).body.error?.code).toBe("RATE_LIMITED");
    expect((await adminRequest(t, "GET", "", { headers: from() })).status).toBe(200);
  });

  it("is the server's own: never a project's, whatever its token looks like", async () => {
    const id = "hosted";
    expect((await adminRequest(t, "POST", "", { body: { id, name: "Hosted" } })).status).toBe(201);
    const runtime = await t.portico.projects?.runtimes.get(id);
    if (!runtime) throw new Error("the project did not start");
    const direct = await runtime.fetch(
      new Request(`${t.url}/api/admin/projects`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      }),
    );
    expect(direct.status).toBe(404);

    // A JWT naming the running project would send an /api request to it: not this one.
    const routed = await adminRequest(t, "GET", "", { token: jwtNaming(id), headers: from() });
    expect(routed.status).toBe(401);
    expect(routed.headers.get("www-authenticate")).toBe('Bearer realm="portico-admin"');
  });

  it("describes the admin operations in /openapi.json, behind the admin token", async () => {
    const document = (await fetchOpenApiDocument(t.url)) as Awaited<
      ReturnType<typeof fetchOpenApiDocument>
    > & { components: { securitySchemes: Record<string, unknown> } };
    expect(Object.keys(document.paths).filter((path) => path.startsWith("/api/admin"))).toEqual([
      "/api/admin/customers/links",
      "/api/admin/projects",
      "/api/admin/projects/{id}",
      "/api/admin/projects/{id}/keys",
      "/api/admin/projects/{id}/config",
    ]);
    expect(document.paths["/api/admin/projects/{id}"]?.delete?.security).toEqual([
      { adminToken: [] },
    ]);
    expect(document.components.securitySchemes.adminToken).toMatchObject({ scheme: "bearer" });
    // Each project's webhook URL, served by the project's own app behind the router.
    expect(
      document.paths["/api/v1/payments/stripe/webhooks/{project_id}/{mode}"]?.post,
    ).toMatchObject({ summary: "Receive a project's Stripe event", tags: ["webhooks"] });
  });

  it("never logs the token, right or wrong", async () => {
    await adminRequest(t, "GET", "/no-such-project", { headers: from() });
    await adminRequest(t, "PUT", "/hosted/config", { body: "{not json", headers: from() });
    for (const token of WRONG_TOKENS) await adminRequest(t, "GET", "", { token, headers: from() });
    const logs = logLines.join("\n");
    expect(logs).toContain("/api/admin/projects");
    for (const token of [ADMIN_TOKEN, ...WRONG_TOKENS]) expect(logs).not.toContain(token);
  });
});

describe("the admin API without PORTICO_ADMIN_TOKEN_SHA256", () => {
  let t: TestPortico;
  beforeAll(async () => {
    t = await startTestPortico({
      env: { PORTICO_ENCRYPTION_KEY: ADMIN_ENV.PORTICO_ENCRYPTION_KEY },
    });
  });
  afterAll(() => t.close());

  it("is not there: every operation answers 404 as an unknown route", async () => {
    for (const [method, path, body] of OPERATIONS) {
      const answer = await readAdmin(await adminRequest(t, method, path, { body }));
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.body).toMatchObject({
        success: false,
        error: { code: "NOT_FOUND", message: "Route not found" },
      });
    }
    const document = await fetchOpenApiDocument(t.url);
    expect(Object.keys(document.paths).some((path) => path.startsWith("/api/admin"))).toBe(false);
    expect(await t.portico.projects?.service.list({ includeDeleted: true })).toEqual([]);
  });
});
