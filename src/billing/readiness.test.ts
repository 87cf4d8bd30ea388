import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEmptyTestDatabase } from "../../test/database.js";
import { saveDefaultPortal, startTestPortico, type TestPortico } from "../../test/portico.js";
import { createReadinessCheck } from "./readiness.js";

describe("readiness", () => {
  let t: TestPortico;
  beforeAll(async () => {
    t = await startTestPortico();
  });
  afterAll(() => t.close());

  const readiness = (overrides: Partial<Parameters<typeof createReadinessCheck>[0]> = {}) =>
    createReadinessCheck({
      db: t.portico.database.db,
      stripe: t.portico.stripe,
      setup: t.portico.setup,
      cacheMs: 0,
      ...overrides,
    });

  const failing = async (check: ReturnType<typeof createReadinessCheck>) =>
    (await check.check()).checks.filter((item) => !item.ok).map((item) => item.name);

  it("turns ready once each mode has its default portal configuration", async () => {
    const check = readiness();
    expect(await failing(check)).toEqual(["stripe_test", "stripe_live"]);
    await saveDefaultPortal(t, "test");
    expect(await failing(check)).toEqual(["stripe_live"]);
    await saveDefaultPortal(t, "live");
    expect(await check.check()).toMatchObject({ ready: true });
  });

  it("caches a report and shares it between concurrent probes", async () => {
    let calls = 0;
    const check = readiness({
      cacheMs: 60_000,
      setup: {
        status: async () => {
          calls++;
          return { ok: true };
        },
      },
    });
    await Promise.all([check.check(), check.check()]);
    await check.check();
    expect(calls).toBe(2); // one run, both modes
  });

  it("fails the database check without running the migrations check when it is down", async () => {
    const closed = await openEmptyTestDatabase();
    await closed.close();
    const report = await readiness({ db: closed.db }).check();
    expect(report.ready).toBe(false);
    expect(report.checks.map((item) => item.name)).not.toContain("migrations");
    expect(report.checks.find((item) => item.name === "database")?.ok).toBe(false);
  });

  it("reports a Stripe key that does not work and an unmigrated database", async () => {
    const fresh = await openEmptyTestDatabase();
    try {
      const report = await readiness({
        db: fresh.db,
        setup: { status: async () => ({ ok: false, problem: "could not reach Stripe (boom)" }) },
      }).check();
      const byName = Object.fromEntries(report.checks.map((item) => [item.name, item]));
      expect(byName.migrations?.message).toMatch(/pending \(0000_init.*run `portico migrate`/);
      expect(byName.stripe_test?.message).toBe("could not reach Stripe (boom)");
    } finally {
      await fresh.close();
    }
  });

  it("answers not ready once draining", async () => {
    const check = readiness();
    check.drain();
    expect(await check.check()).toEqual({
      ready: false,
      checks: [{ name: "shutdown", ok: false, message: "shutting down" }],
    });
  });
});
