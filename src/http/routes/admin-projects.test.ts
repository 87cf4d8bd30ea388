import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN_ENV,
  type AdminAnswer,
  adminRequest,
  readAdmin,
} from "../../../test/admin-projects.js";
import { createResponseValidator, fetchOpenApiDocument } from "../../../test/openapi-responses.js";
import { startTestPortico, type TestPortico } from "../../../test/portico.js";
import { signedEvent } from "../../../test/signed-event.js";
import { PROJECT_WEBHOOK_PREFIX } from "./project-webhooks.js";

const TEST_KEY = `sk_test_51${randomBytes(12).toString("hex")}abcd`;
const LIVE_KEY = `rk_live_51${randomBytes(12).toString("hex")}live`;
const WHSEC_A = `whsec_${randomBytes(12).toString("hex")}aaaa`;
const WHSEC_B = `whsec_${randomBytes(12).toString("hex")}bbbb`;
const JWT_SECRET = `jwt-${randomBytes(24).toString("hex")}`;
const SECRETS = [TEST_KEY, LIVE_KEY, WHSEC_A, WHSEC_B, JWT_SECRET];
const BILLING = JSON.parse(
  readFileSync(new URL("../../../portico.config.json", import.meta.url), "utf8"),
);

describe("the admin API over projects", () => {
  let t: TestPortico;
  let call: (method: string, path: string, body?: unknown) => Promise<AdminAnswer>;
  /** Every body the API answered with: none may hold a secret. */
  const bodies: string[] = [];
  let sequence = 0;
  const newId = () => `admin-${++sequence}`;

  beforeAll(async () => {
    t = await startTestPortico({ env: ADMIN_ENV });
    // Each answer is checked against the published document, which must describe it.
    const { validate } = createResponseValidator(await fetchOpenApiDocument(t.url));
    call = async (method, path, body) => {
      const response = await adminRequest(t, method, path, { body });
      const [route = ""] = path.split("?");
      const template = route.replace(/^\/[^/]+/, "/{id}");
      await validate({ method, path: `/api/admin/projects${template}` }, response);
      const answer = await readAdmin(response);
      bodies.push(answer.text);
      return answer;
    };
  });
  afterAll(async () => {
    for (const text of bodies) for (const secret of SECRETS) expect(text).not.toContain(secret);
    await t.close();
  });

  /** A project's own webhook endpoint, served by its runtime behind the router. */
  const deliver = (id: string, secret: string) => {
    const { body, signature } = signedEvent(secret, {
      type: "balance.available",
      object: { object: "balance" },
    });
    return fetch(`${t.url}${PROJECT_WEBHOOK_PREFIX}/${id}/test`, {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": signature },
      body,
    });
  };

  describe("happy paths", () => {
    it("creates, lists and shows a project", async () => {
      const id = newId();
      const created = await call("POST", "", { id, name: "  Acme  " });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        success: true,
        data: expect.objectContaining({
          id,
          name: "Acme",
          keys: { test: null, live: null },
          webhookSecrets: { test: [], live: [] },
          jwt: null,
        }),
      });

      const listed = await call("GET", "");
      expect(listed.status).toBe(200);
      expect(listed.body.data).toEqual({
        projects: expect.arrayContaining([
          { id, name: "Acme", modes: [], createdAt: expect.any(String), deletedAt: null },
        ]),
      });
      const shown = await call("GET", `/${id}`);
      expect(shown.body).toEqual(created.body);
    });

    it("sets keys and answers them masked, never in full", async () => {
      const id = newId();
      await call("POST", "", { id, name: "Keys" });
      const set = await call("PUT", `/${id}/keys`, {
        testSecretKey: TEST_KEY,
        liveSecretKey: LIVE_KEY,
        testWebhookSecrets: [WHSEC_A, WHSEC_B],
      });
      expect(set.status).toBe(200);
      expect(set.body.data).toMatchObject({
        keys: { test: "sk_test_…abcd", live: "rk_live_…live" },
        webhookSecrets: { test: ["whsec_…aaaa", "whsec_…bbbb"], live: [] },
      });
      // Keys left out stay; an empty list removes the mode's secrets.
      const partial = await call("PUT", `/${id}/keys`, { testWebhookSecrets: [] });
      expect(partial.body.data).toMatchObject({
        keys: { test: "sk_test_…abcd", live: "rk_live_…live" },
        webhookSecrets: { test: [], live: [] },
      });
      const listed = await call("GET", "");
      expect(listed.body.data).toMatchObject({
        projects: expect.arrayContaining([
          expect.objectContaining({ id, modes: ["test", "live"] }),
        ]),
      });
    });

    it("sets the billing file, return origins, rate limits and JWT sign-in", async () => {
      const id = newId();
      await call("POST", "", { id, name: "Config" });
      const set = await call("PUT", `/${id}/config`, {
        billing: BILLING,
        returnOrigins: ["https://app.acme.test/", "http://localhost:5173"],
        rateLimits: { portal: "5/60s" },
        jwt: { secret: JWT_SECRET, issuer: "https://auth.acme.test" },
      });
      expect(set.status).toBe(200);
      expect(set.body.data).toMatchObject({
        billing: BILLING,
        returnOrigins: ["https://app.acme.test", "http://localhost:5173"],
        rateLimits: { portal: { max: 5, windowSeconds: 60 } },
        jwt: {
          kind: "secret",
          issuer: "https://auth.acme.test",
          secret: `…${JWT_SECRET.slice(-4)}`,
        },
      });
      const off = await call("PUT", `/${id}/config`, { jwt: null, billing: null });
      expect(off.body.data).toMatchObject({ jwt: null, billing: null, rateLimits: { portal: {} } });
    });

    it("tells a running project of each change: its next request already sees it", async () => {
      const id = newId();
      await call("POST", "", { id, name: "Live" });
      await call("PUT", `/${id}/keys`, { testSecretKey: TEST_KEY, testWebhookSecrets: [WHSEC_A] });
      expect((await deliver(id, WHSEC_A)).status).toBe(200);

      // Rotated within the runtime's refresh interval: only the invalidation makes it take.
      await call("PUT", `/${id}/keys`, { testWebhookSecrets: [WHSEC_B] });
      expect((await deliver(id, WHSEC_B)).status).toBe(200);
      expect((await deliver(id, WHSEC_A)).status).toBe(400);

      const deleted = await call("DELETE", `/${id}`);
      expect(deleted.body).toEqual({ success: true, data: { id, purged: false } });
      expect((await deliver(id, WHSEC_B)).status).toBe(404);
    });

    it("deletes softly, lists the deleted on request, and purges for good", async () => {
      const id = newId();
      await call("POST", "", { id, name: "Gone" });
      expect((await call("DELETE", `/${id}`)).status).toBe(200);

      expect((await call("GET", `/${id}`)).status).toBe(404);
      const live = await call("GET", "");
      expect(JSON.stringify(live.body.data)).not.toContain(`"${id}"`);
      const all = await call("GET", "?include_deleted=true");
      expect(all.body.data).toMatchObject({
        projects: expect.arrayContaining([
          expect.objectContaining({ id, deletedAt: expect.any(String) }),
        ]),
      });
      // Its id stays taken until it is purged.
      expect((await call("POST", "", { id, name: "Again" })).body.error?.code).toBe("CONFLICT");

      const purged = await call("DELETE", `/${id}?purge=true`);
      expect(purged.body).toEqual({ success: true, data: { id, purged: true } });
      const after = await call("GET", "?include_deleted=true");
      expect(JSON.stringify(after.body.data)).not.toContain(`"${id}"`);
      expect((await call("POST", "", { id, name: "Again" })).status).toBe(201);
    });

    it("purges a project that is running here: it stops answering at once", async () => {
      const id = newId();
      await call("POST", "", { id, name: "Running" });
      await call("PUT", `/${id}/keys`, { testSecretKey: TEST_KEY, testWebhookSecrets: [WHSEC_A] });
      expect((await deliver(id, WHSEC_A)).status).toBe(200);
      expect((await call("DELETE", `/${id}?purge=true`)).status).toBe(200);
      expect((await deliver(id, WHSEC_A)).status).toBe(404);
      expect(await t.portico.projects?.runtimes.get(id)).toBeUndefined();
    });
  });

  describe("errors", () => {
    it("answers 422 with every problem of the keys, and stores none of them", async () => {
      const id = newId();
      await call("POST", "", { id, name: "Bad keys" });
      const bad = await call("PUT", `/${id}/keys`, {
        testSecretKey: LIVE_KEY,
        testWebhookSecrets: ["not-a-secret"],
      });
      expect(bad.status).toBe(422);
      expect(bad.body.error?.code).toBe("VALIDATION_ERROR");
      expect(bad.body.error?.details?.map((issue) => issue.path)).toEqual([
        ["testSecretKey"],
        ["testWebhookSecrets", 0],
      ]);
      expect((await call("GET", `/${id}`)).body.data).toMatchObject({ keys: { test: null } });
    });

    it("answers 422 for a misspelt field, a wrong type, a bad origin, rate or billing file", async () => {
      const id = newId();
      await call("POST", "", { id, name: "Bad config" });
      const cases: [string, unknown, string][] = [
        [`/${id}/keys`, { test_secret_key: TEST_KEY }, "test_secret_key"],
        [`/${id}/config`, { returnOrigins: "https://app.acme.test" }, "returnOrigins"],
        [
          `/${id}/config`,
          { returnOrigins: ["https://app.acme.test/path"] },
          "is not an https origin",
        ],
        [`/${id}/config`, { rateLimits: { portal: "fast" } }, "is not a rate like 20/60s"],
        [`/${id}/config`, { billing: { plans: "none" } }, "billing"],
        [`/${id}/config`, { jwt: { issuer: "x" } }, "give either secret or jwksUrl"],
      ];
      for (const [path, body, message] of cases) {
        const answer = await call("PUT", path, body);
        expect(answer.status, JSON.stringify(body)).toBe(422);
        expect(answer.body.error?.code).toBe("VALIDATION_ERROR");
        expect(JSON.stringify(answer.body.error)).toContain(message);
      }
      const invalidJson = await call("PUT", `/${id}/config`, "{not json");
      expect(invalidJson.status).toBe(422);
    });

    it("answers 422 for a bad id or name, 409 for a taken id, 404 for an unknown one", async () => {
      expect((await call("POST", "", { id: "Not_A_Slug", name: "x" })).status).toBe(422);
      expect((await call("POST", "", { id: newId(), name: "" })).status).toBe(422);
      expect((await call("POST", "", { id: newId() })).status).toBe(422);
      const id = newId();
      await call("POST", "", { id, name: "Taken" });
      const taken = await call("POST", "", { id, name: "Taken" });
      expect(taken.status).toBe(409);
      expect(taken.body.error?.code).toBe("CONFLICT");

      const unknown = newId();
      for (const [method, path, body] of [
        ["GET", `/${unknown}`, undefined],
        ["PUT", `/${unknown}/keys`, { testSecretKey: TEST_KEY }],
        ["PUT", `/${unknown}/config`, { returnOrigins: [] }],
        ["DELETE", `/${unknown}`, undefined],
        ["DELETE", `/${unknown}?purge=true`, undefined],
      ] as const) {
        const answer = await call(method, path, body);
        expect(answer.status, `${method} ${path}`).toBe(404);
        expect(answer.body.error?.code).toBe("NOT_FOUND");
      }
    });
  });
});
