import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { startTestPortico, type TestPortico } from "../../test/portico.js";
import {
  callAs,
  createTestProject,
  projectToken,
  type TestProject,
  V1_PORTAL,
} from "../../test/projects.js";
import { signedEvent } from "../../test/signed-event.js";
import type { EncryptionKey } from "../config.js";
import { createLogger } from "../logger.js";
import { createProjectService } from "./project-service.js";
import { createSecretBox } from "./secret-box.js";

const suites: TestPortico[] = [];
afterEach(async () => {
  for (const suite of suites.splice(0)) await suite.close();
});

async function start(options = {}) {
  const t = await startTestPortico({ projects: true, ...options });
  suites.push(t);
  return t;
}

const portalFor = async (t: TestPortico, project: TestProject) =>
  callAs(t, `${V1_PORTAL}?test_mode=true`, await projectToken(project), {
    body: { return_url: `${project.origin}/billing` },
  });

describe("hosting projects", () => {
  it("labels each project's metrics and log lines with the project", async () => {
    const lines: { msg?: string; project?: string; url?: string }[] = [];
    const t = await start({
      logger: (config: Parameters<typeof createLogger>[0]) =>
        createLogger(
          { ...config, logLevel: "info" },
          { write: (chunk: string) => lines.push(JSON.parse(chunk)) },
        ),
    });
    const acme = await createTestProject(t, "acme", { port: 4201 });
    const globex = await createTestProject(t, "globex", { port: 4202 });
    expect((await portalFor(t, acme)).status).toBe(200);
    expect((await portalFor(t, acme)).status).toBe(200);
    expect((await portalFor(t, globex)).status).toBe(200);

    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    const sessions = (project: string) =>
      new RegExp(`portico_portal_sessions_created_total\\{[^}]*project="${project}"[^}]*\\} (\\d+)`)
        .exec(metrics)
        ?.at(1);
    expect(sessions("acme")).toBe("2");
    expect(sessions("globex")).toBe("1");
    // One family per name, however many registries feed it.
    expect(metrics.match(/^# TYPE portico_portal_sessions_created_total /gm)).toHaveLength(1);
    expect(metrics).toMatch(/^process_cpu_user_seconds_total /m);

    const portalLines = lines.filter((line) => line.msg === "request" && line.project);
    expect(new Set(portalLines.map((line) => line.project))).toEqual(new Set(["acme", "globex"]));
  });

  it("serves a change of settings at once when told, and stops serving a deleted project", async () => {
    const t = await start();
    const acme = await createTestProject(t, "acme", { port: 4211 });
    const hosting = t.portico.projects;
    if (!hosting) throw new Error("no projects");

    await hosting.service.setConfig(acme.id, { returnOrigins: ["http://localhost:4299"] });
    await hosting.runtimes.invalidate(acme.id);
    expect((await portalFor(t, acme)).status).toBe(422);
    const moved = await callAs(t, `${V1_PORTAL}?test_mode=true`, await projectToken(acme), {
      body: { return_url: "http://localhost:4299/billing" },
    });
    expect(moved.status).toBe(200);

    await hosting.service.delete(acme.id);
    await hosting.runtimes.invalidate(acme.id);
    const gone = await portalFor(t, acme);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({ detail: "Project not found or Stripe not configured" });
    expect((await callAs(t, "/api/auth/me", await projectToken(acme))).status).toBe(401);
  });

  it("applies each project's own rate limits, apart from the others'", async () => {
    const t = await start();
    const acme = await createTestProject(t, "acme", { port: 4231 });
    const globex = await createTestProject(t, "globex", { port: 4232 });
    const hosting = t.portico.projects;
    if (!hosting) throw new Error("no projects");
    await hosting.service.setConfig(acme.id, { rateLimits: { portal: "1/60s" } });
    await hosting.runtimes.invalidate(acme.id);

    expect((await portalFor(t, acme)).status).toBe(200);
    const limited = await portalFor(t, acme);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    // The server's default (20 a minute) still holds for the other project.
    for (let i = 0; i < 3; i++) expect((await portalFor(t, globex)).status).toBe(200);
  });

  it("loses nothing while the master key is rotated under load", async () => {
    const k1: EncryptionKey = { id: "k1", key: randomBytes(32) };
    const k2: EncryptionKey = { id: "k2", key: randomBytes(32) };
    const env = (key: EncryptionKey) => `${key.id}:${key.key.toString("base64")}`;
    // The documented order: servers get k2 (k1 kept as previous), then the rotation runs.
    const t = await start({
      env: { PORTICO_ENCRYPTION_KEY: env(k2), PORTICO_ENCRYPTION_PREVIOUS_KEYS: env(k1) },
    });
    const onK1 = createProjectService({
      db: t.portico.database.db,
      box: createSecretBox({ current: k1, previous: [] }),
    });
    const rotator = createProjectService({
      db: t.portico.database.db,
      box: createSecretBox({ current: k2, previous: [k1] }),
    });
    const hosting = t.portico.projects;
    if (!hosting) throw new Error("no projects");
    const acme = await createTestProject(t, "acme", { port: 4221, service: onK1 });
    const globex = await createTestProject(t, "globex", { port: 4222, service: onK1 });
    // globex is not running when the rotation happens: its first start opens k2's seals.
    await hosting.runtimes.invalidate(globex.id);

    const statuses: number[] = [];
    const events: string[] = [];
    let rotating = true;
    const load = (async () => {
      for (let i = 0; rotating || i < 20; i++) {
        statuses.push((await portalFor(t, acme)).status);
        const id = `evt_rotation_${i}_${randomBytes(4).toString("hex")}`;
        const event = signedEvent(acme.webhookSecrets.test, {
          id,
          type: "customer.updated",
          object: { id: acme.customerId, object: "customer", email: null, metadata: {} },
        });
        const response = await fetch(`${t.url}/api/v1/payments/stripe/webhooks/acme/test`, {
          method: "POST",
          headers: { "stripe-signature": event.signature, "content-type": "application/json" },
          body: event.body,
        });
        statuses.push(response.status);
        events.push(id);
        // A refresh mid-way reopens the secrets while they are being resealed.
        if (i === 3) await hosting.runtimes.invalidate(acme.id);
      }
    })();
    const result = await rotator.rotateMasterKey();
    rotating = false;
    await load;

    expect(result).toMatchObject({ projects: 2 });
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect((await portalFor(t, globex)).status).toBe(200);
    // Every event delivered during the rotation is in acme's inbox, once.
    const runtime = await hosting.runtimes.get(acme.id);
    const stored = await runtime?.core.database.db.query.stripeEvents.findMany({
      columns: { id: true },
    });
    const storedIds = new Set(stored?.map((row) => row.id));
    expect(events.filter((id) => !storedIds.has(id))).toEqual([]);
    // A server with k2 alone now opens every secret.
    const k2Only = createProjectService({
      db: t.portico.database.db,
      box: createSecretBox({ current: k2, previous: [] }),
    });
    expect((await k2Only.credentials(acme.id)).keys.test).toBe(acme.keys.test);
    expect((await k2Only.credentials(globex.id)).keys.test).toBe(globex.keys.test);
  });
});
