import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestDatabase,
  openMigratedTestDatabase,
  type TestDatabase,
} from "../../test/database.js";
import type { Database } from "../db/client.js";
import { projects } from "../db/schema.js";
import { PorticoError } from "../errors.js";
import { createProjectService, type ProjectService } from "./project-service.js";
import { createSecretBox, SecretBoxError } from "./secret-box.js";

const TEST_KEY = `sk_test_51${randomBytes(12).toString("hex")}wxyz`;
const LIVE_KEY = `rk_live_51${randomBytes(12).toString("hex")}live`;
const WHSEC = [
  `whsec_${randomBytes(12).toString("hex")}aaaa`,
  `whsec_${randomBytes(12).toString("hex")}bbbb`,
];
const JWT_SECRET = `jwt-${randomBytes(24).toString("hex")}`;
const BILLING = JSON.parse(
  readFileSync(new URL("../../portico.config.json", import.meta.url), "utf8"),
);

/** The error a call fails with; the test fails if it succeeds. */
async function failure(work: Promise<unknown>): Promise<PorticoError> {
  const error = await work.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(PorticoError);
  return error as PorticoError;
}

describe("the project service", () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let service: ProjectService;
  const box = createSecretBox({ current: { id: "k1", key: randomBytes(32) }, previous: [] });
  let sequence = 0;
  const newId = () => `acme-${++sequence}`;
  const rawRow = async (id: string) =>
    (await database.db.select().from(projects).where(eq(projects.id, id)))[0];

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    database = await openMigratedTestDatabase(testDatabase.url);
    service = createProjectService({ db: database.db, box });
  });
  afterAll(async () => {
    await database.close();
    await testDatabase.drop();
  });

  describe("happy paths", () => {
    it("creates a project and shows its keys masked, stored sealed", async () => {
      const id = newId();
      const created = await service.create({ id, name: "  Acme  " });
      expect(created).toMatchObject({
        id,
        name: "Acme",
        keys: { test: null, live: null },
        webhookSecrets: { test: [], live: [] },
        returnOrigins: [],
        billing: null,
        rateLimits: {},
        jwt: null,
      });

      const view = await service.setKeys(id, {
        testSecretKey: TEST_KEY,
        liveSecretKey: LIVE_KEY,
        testWebhookSecrets: WHSEC,
      });
      expect(view.keys).toEqual({ test: "sk_test_…wxyz", live: "rk_live_…live" });
      expect(view.webhookSecrets).toEqual({ test: ["whsec_…aaaa", "whsec_…bbbb"], live: [] });
      expect(await service.show(id)).toEqual(view);

      const row = await rawRow(id);
      const stored = JSON.stringify(row);
      for (const secret of [TEST_KEY, LIVE_KEY, ...WHSEC]) expect(stored).not.toContain(secret);
      expect(row?.testSecretKey).toMatch(/^v1\.k1\./);
      expect(row?.liveWebhookSecrets).toBeNull();

      expect(await service.credentials(id)).toEqual({
        keys: { test: TEST_KEY, live: LIVE_KEY },
        webhookSecrets: { test: WHSEC, live: [] },
        jwt: undefined,
      });
    });

    it("sets only the keys given, and clears a webhook list given empty", async () => {
      const id = newId();
      await service.create({ id, name: "Partial" });
      await service.setKeys(id, { testSecretKey: TEST_KEY, testWebhookSecrets: WHSEC });
      const view = await service.setKeys(id, { liveSecretKey: LIVE_KEY, testWebhookSecrets: [] });
      expect(view.keys).toEqual({ test: "sk_test_…wxyz", live: "rk_live_…live" });
      expect(view.webhookSecrets.test).toEqual([]);
      expect((await rawRow(id))?.testWebhookSecrets).toBeNull();
    });

    it("sets the billing file, return origins, rate limits and JWT settings", async () => {
      const id = newId();
      await service.create({ id, name: "Configured" });
      const view = await service.setConfig(id, {
        billing: BILLING,
        returnOrigins: [
          "https://App.Example.com/",
          "http://localhost:5173",
          "https://app.example.com",
        ],
        rateLimits: { portal: "5/2m", checkout: "3/1h" },
        jwt: { secret: JWT_SECRET, issuer: "https://idp.example.com/", audience: "acme" },
      });
      expect(view).toMatchObject({
        billing: BILLING,
        returnOrigins: ["https://app.example.com", "http://localhost:5173"],
        rateLimits: {
          portal: { max: 5, windowSeconds: 120 },
          checkout: { max: 3, windowSeconds: 3600 },
        },
        jwt: {
          kind: "secret",
          issuer: "https://idp.example.com/",
          audience: "acme",
          secret: `…${JWT_SECRET.slice(-4)}`,
        },
      });
      expect(JSON.stringify(await rawRow(id))).not.toContain(JWT_SECRET);
      expect((await service.credentials(id)).jwt).toEqual({
        kind: "secret",
        secret: JWT_SECRET,
        issuer: "https://idp.example.com/",
        audience: "acme",
      });

      const jwks = { jwksUrl: "https://idp.example.com/jwks.json", issuer: "i", audience: "a" };
      const switched = await service.setConfig(id, { jwt: jwks });
      expect(switched.jwt).toEqual({ kind: "jwks", ...jwks });
      expect((await rawRow(id))?.jwtSecret).toBeNull();
      // What it leaves out stays.
      expect(switched.returnOrigins).toEqual(view.returnOrigins);
      const off = await service.setConfig(id, { jwt: null, billing: null });
      expect(off).toMatchObject({ jwt: null, billing: null });
      expect((await service.credentials(id)).jwt).toBeUndefined();
    });

    it("lists live projects by id, with the modes that have a key", async () => {
      const [a, b] = [`${newId()}-a`, `${newId()}-b`];
      await service.create({ id: b, name: "B" });
      await service.create({ id: a, name: "A" });
      await service.setKeys(a, { liveSecretKey: LIVE_KEY });
      await service.delete(b);
      const listed = await service.list();
      expect(listed.find((project) => project.id === a)).toMatchObject({
        name: "A",
        modes: ["live"],
      });
      expect(listed.map((project) => project.id)).not.toContain(b);
      const all = await service.list({ includeDeleted: true });
      expect(all.find((project) => project.id === b)?.deletedAt).toBeInstanceOf(Date);
      const ids = all.map((project) => project.id);
      expect(ids).toEqual([...ids].sort());
    });

    it("accepts a uuid as the id, lower-cased", async () => {
      const uuid = "3F2504E0-4F89-11D3-9A0C-0305E82C3301";
      expect((await service.create({ id: uuid, name: "By uuid" })).id).toBe(uuid.toLowerCase());
      expect((await service.show(uuid)).name).toBe("By uuid");
    });
  });

  describe("errors", () => {
    it("refuses a duplicate id, a deleted project's id until it is purged", async () => {
      const id = newId();
      await service.create({ id, name: "First" });
      const duplicate = await failure(service.create({ id, name: "Second" }));
      expect(duplicate).toMatchObject({ code: "CONFLICT", status: 409 });
      await service.delete(id);
      const deleted = await failure(service.create({ id, name: "Second" }));
      expect(deleted.message).toContain(`portico projects delete ${id} --purge`);
      await service.purge(id);
      expect((await service.create({ id, name: "Second" })).name).toBe("Second");
    });

    it("refuses ids and names that do not fit", async () => {
      for (const id of ["Acme", "-acme", "acme-", "a_b", "a".repeat(41), "", "acme/x"]) {
        const error = await failure(service.create({ id, name: "x" }));
        expect(error.code).toBe("VALIDATION_ERROR");
      }
      expect((await failure(service.create({ id: newId(), name: " " }))).code).toBe(
        "VALIDATION_ERROR",
      );
    });

    it("refuses a key of the wrong mode or kind without quoting it", async () => {
      const id = newId();
      await service.create({ id, name: "Keys" });
      const live = `sk_live_${randomBytes(12).toString("hex")}`;
      const cases = [
        [{ testSecretKey: live }, "testSecretKey: must be a test-mode secret key"],
        [{ liveSecretKey: TEST_KEY }, "liveSecretKey: must be a live-mode secret key"],
        [{ testSecretKey: "pk_test_abc" }, "testSecretKey"],
        [{ liveWebhookSecrets: [live] }, "liveWebhookSecrets[0]: must be a webhook signing secret"],
      ] as const;
      for (const [input, message] of cases) {
        const error = await failure(service.setKeys(id, input));
        expect(error.code).toBe("VALIDATION_ERROR");
        expect(error.message).toContain(message);
        expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(
          Object.values(input).flat()[0],
        );
      }
      expect((await service.show(id)).keys).toEqual({ test: null, live: null });
    });

    it("refuses bad configuration, every field at its path", async () => {
      const id = newId();
      await service.create({ id, name: "Config" });
      const cases = [
        [{ billing: { plans: [{ key: "Pro!" }] } }, "billing"],
        [{ returnOrigins: ["http://app.example.com"] }, "is not an https origin"],
        [{ returnOrigins: ["https://app.example.com/settings"] }, "is not an https origin"],
        [{ rateLimits: { portal: "often" } }, "rateLimits.portal"],
        [{ rateLimits: { everything: "1/1s" } }, "rateLimits"],
        [{ jwt: { secret: "short" } }, "jwt.secret: must be at least 32"],
        [
          { jwt: { secret: JWT_SECRET, jwksUrl: "https://x.example/jwks" } },
          "either secret or jwksUrl",
        ],
        [{ jwt: { jwksUrl: "https://x.example/jwks" } }, "issuer and audience are required"],
      ] as const;
      for (const [input, message] of cases) {
        const error = await failure(service.setConfig(id, input as never));
        expect(error.code).toBe("VALIDATION_ERROR");
        expect(JSON.stringify(error.details)).toContain(message);
      }
      expect(
        JSON.stringify((await failure(service.setConfig(id, cases[5][0]))).details),
      ).not.toContain("short");
    });

    it("answers NOT_FOUND for an unknown or deleted project", async () => {
      const id = newId();
      const calls = [
        () => service.show(id),
        () => service.credentials(id),
        () => service.setKeys(id, { testSecretKey: TEST_KEY }),
        () => service.setConfig(id, { returnOrigins: [] }),
        () => service.delete(id),
        () => service.purge(id),
      ];
      for (const call of calls) expect((await failure(call())).code).toBe("NOT_FOUND");
      await service.create({ id, name: "Gone" });
      await service.delete(id);
      for (const call of calls.slice(0, 5)) expect((await failure(call())).code).toBe("NOT_FOUND");
    });

    it("needs PORTICO_ENCRYPTION_KEY for secrets only", async () => {
      const keyless = createProjectService({ db: database.db, box: undefined });
      const id = newId();
      await keyless.create({ id, name: "No key" });
      expect((await keyless.show(id)).keys.test).toBeNull();
      const error = await failure(keyless.setKeys(id, { testSecretKey: TEST_KEY }));
      expect(error).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
      expect(error.message).toContain("PORTICO_ENCRYPTION_KEY is not set");
      await service.setKeys(id, { testSecretKey: TEST_KEY });
      expect((await failure(keyless.show(id))).code).toBe("SERVICE_UNAVAILABLE");
    });
  });

  describe("security", () => {
    it("soft delete keeps the row and its secrets; purge removes them", async () => {
      const id = newId();
      await service.create({ id, name: "Soft" });
      await service.setKeys(id, { testSecretKey: TEST_KEY });
      await service.delete(id);
      const kept = await rawRow(id);
      expect(kept?.deletedAt).toBeInstanceOf(Date);
      expect(kept?.testSecretKey).toMatch(/^v1\.k1\./);
      await service.purge(id);
      expect(await rawRow(id)).toBeUndefined();
    });

    it("a sealed key copied into another project's row, or another field, does not open", async () => {
      const [victim, thief] = [newId(), newId()];
      await service.create({ id: victim, name: "Victim" });
      await service.create({ id: thief, name: "Thief" });
      await service.setKeys(victim, { liveSecretKey: LIVE_KEY });
      const sealed = (await rawRow(victim))?.liveSecretKey ?? null;
      await database.db
        .update(projects)
        .set({ liveSecretKey: sealed })
        .where(eq(projects.id, thief));
      await expect(service.credentials(thief)).rejects.toThrow(SecretBoxError);
      await database.db
        .update(projects)
        .set({ liveSecretKey: null, testSecretKey: sealed })
        .where(eq(projects.id, victim));
      await expect(service.show(victim)).rejects.toThrow(/does not open/);
    });
  });
});
