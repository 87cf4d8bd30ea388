import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestDatabase,
  openMigratedTestDatabase,
  type TestDatabase,
} from "../../test/database.js";
import type { EncryptionKey } from "../config.js";
import type { Database } from "../db/client.js";
import { projects } from "../db/schema.js";
import { findSealedValues, replaceSealedValues, SEALED_FIELDS } from "./project-repository.js";
import { createProjectService } from "./project-service.js";
import { createSecretBox } from "./secret-box.js";

const key = (id: string): EncryptionKey => ({ id, key: randomBytes(32) });
const secret = (prefix: string) => `${prefix}${randomBytes(12).toString("hex")}`;

describe("rotating the master key", () => {
  let testDatabase: TestDatabase;
  let database: Database;
  const [k1, k2, k3] = [key("k1"), key("k2"), key("k3")];
  /** A server still on k1; the operator's CLI with k2 current and k1 previous. */
  const onK1 = () =>
    createProjectService({ db: database.db, box: createSecretBox({ current: k1, previous: [] }) });
  const onK2 = () =>
    createProjectService({
      db: database.db,
      box: createSecretBox({ current: k2, previous: [k1] }),
    });

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    database = await openMigratedTestDatabase(testDatabase.url);
  });
  afterAll(async () => {
    await database.close();
    await testDatabase.drop();
  });

  const sealedKeyIds = async () => {
    const rows = await database.db.select().from(projects).orderBy(projects.id);
    return rows.flatMap((row) =>
      SEALED_FIELDS.flatMap((field) => (row[field] ? [row[field]?.split(".")[1]] : [])),
    );
  };

  async function seed(ids: string[]) {
    const old = onK1();
    const credentials = new Map<string, Awaited<ReturnType<typeof old.credentials>>>();
    for (const id of ids) {
      await old.create({ id, name: id });
      await old.setKeys(id, {
        testSecretKey: secret("sk_test_"),
        liveSecretKey: secret("sk_live_"),
        testWebhookSecrets: [secret("whsec_"), secret("whsec_")],
      });
      await old.setConfig(id, { jwt: { secret: secret("jwt-secret-of-32-characters-") } });
      credentials.set(id, await old.credentials(id));
    }
    return credentials;
  }

  it("re-seals every secret under the new key while reads go on, deleted projects too", async () => {
    await database.db.delete(projects);
    const ids = ["alpha", "bravo", "charlie", "delta"];
    const before = await seed(ids);
    await onK1().delete("delta");
    expect(new Set(await sealedKeyIds())).toEqual(new Set(["k1"]));

    const service = onK2();
    let rotating = true;
    const reads: Promise<void>[] = [];
    const reader = async (id: string) => {
      let count = 0;
      while (rotating || count === 0) {
        expect(await service.credentials(id)).toEqual(before.get(id));
        count += 1;
      }
    };
    for (const id of ids.slice(0, 3)) reads.push(reader(id));
    const result = await service.rotateMasterKey().finally(() => {
      rotating = false;
    });
    await Promise.all(reads);

    // Four fields each (two keys, one webhook list, the JWT secret).
    expect(result).toEqual({ keyId: "k2", resealed: 16, projects: 4, current: 0, failed: [] });
    expect(new Set(await sealedKeyIds())).toEqual(new Set(["k2"]));
    // k1 can go now: k2 alone opens everything.
    const k2Only = createProjectService({
      db: database.db,
      box: createSecretBox({ current: k2, previous: [] }),
    });
    for (const id of ids.slice(0, 3)) expect(await k2Only.credentials(id)).toEqual(before.get(id));
    await expect(onK1().credentials("alpha")).rejects.toThrow(/"k2"/);

    const again = await service.rotateMasterKey();
    expect(again).toEqual({ keyId: "k2", resealed: 0, projects: 0, current: 16, failed: [] });
  });

  it("swaps a row only if its sealed values are still those it read", async () => {
    await database.db.delete(projects);
    await seed(["echo"]);
    const read = await findSealedValues(database.db, "echo");
    if (!read) throw new Error("seeded row missing");
    // A server sets a new key between the rotation's read and its write.
    await onK1().setKeys("echo", { testSecretKey: secret("sk_test_") });
    const box = createSecretBox({ current: k2, previous: [k1] });
    const stale = { testSecretKey: box.seal("sk_test_stale", "x") };
    expect(await replaceSealedValues(database.db, "echo", read, stale)).toBe(false);
    const after = await findSealedValues(database.db, "echo");
    expect(after?.testSecretKey).not.toBe(stale.testSecretKey);
    expect(after?.testSecretKey).not.toBe(read.testSecretKey);
    if (!after) throw new Error("row missing");
    expect(await replaceSealedValues(database.db, "echo", after, stale)).toBe(true);
  });

  it("re-seals what a server on the old key wrote meanwhile on the next run", async () => {
    await database.db.delete(projects);
    const before = await seed(["foxtrot"]);
    expect((await onK2().rotateMasterKey()).resealed).toBe(4);
    // A server that has k2 to open with but still seals with k1 (a rollout half done).
    const lagging = createProjectService({
      db: database.db,
      box: createSecretBox({ current: k1, previous: [k2] }),
    });
    const fresh = secret("sk_live_");
    await lagging.setKeys("foxtrot", { liveSecretKey: fresh });
    expect((await onK2().credentials("foxtrot")).keys).toEqual({
      ...before.get("foxtrot")?.keys,
      live: fresh,
    });
    expect(await onK2().rotateMasterKey()).toMatchObject({ resealed: 1, current: 3, failed: [] });
    expect(new Set(await sealedKeyIds())).toEqual(new Set(["k2"]));
  });

  it("keeps a key a server writes while the rotation runs", async () => {
    await database.db.delete(projects);
    const before = await seed(["india", "juliet", "kilo"]);
    const lagging = createProjectService({
      db: database.db,
      box: createSecretBox({ current: k1, previous: [k2] }),
    });
    const fresh = secret("sk_test_");
    // Not awaited: the write may land between the rotation's read and its swap of "kilo",
    // so the swap must notice and read again.
    const rotation = onK2().rotateMasterKey();
    const write = lagging.setKeys("kilo", { testSecretKey: fresh });
    const [result] = await Promise.all([rotation, write]);
    expect(result.failed).toEqual([]);
    expect(result.resealed + result.current).toBe(12);
    expect((await onK2().credentials("kilo")).keys).toEqual({
      ...before.get("kilo")?.keys,
      test: fresh,
    });
    const rest = await onK2().rotateMasterKey();
    expect(new Set(await sealedKeyIds())).toEqual(new Set(["k2"]));
    expect(rest.failed).toEqual([]);
    expect(rest.resealed + rest.current).toBe(12);
    // The write may land after the rotation's swap, sealed with the lagging server's k1:
    // then this second rotation is the one that re-seals it (the value was kept either way).
  });

  it("reports secrets it cannot open, by project and field, and re-seals the rest", async () => {
    await database.db.delete(projects);
    await seed(["golf", "hotel"]);
    // A value sealed under a key this process does not have.
    const lost = createSecretBox({ current: k3, previous: [] }).seal("sk_test_x", "elsewhere");
    await database.db
      .update(projects)
      .set({ testSecretKey: lost, updatedAt: sql`now()` })
      .where(eq(projects.id, "golf"));
    const result = await onK2().rotateMasterKey();
    expect(result).toMatchObject({ resealed: 7, projects: 2, current: 0 });
    expect(result.failed).toEqual([
      { projectId: "golf", field: "testSecretKey", reason: expect.stringContaining('"k3"') },
    ]);
    expect((await findSealedValues(database.db, "golf"))?.testSecretKey).toBe(lost);
  });
});
