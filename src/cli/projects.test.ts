import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { porticoCommand } from "../../test/cli-process.js";
import {
  createTestDatabase,
  openMigratedTestDatabase,
  type TestDatabase,
} from "../../test/database.js";
import {
  createWebhookEndpointService,
  endpointSecretBinding,
} from "../billing/outbox/webhook-endpoints.js";
import { loadConfig } from "../config.js";
import type { Database } from "../db/client.js";
import { webhookEndpoints } from "../db/schema.js";
import { projectDatabases } from "../projects/project-databases.js";
import { createSecretBox } from "../projects/secret-box.js";
import { registerProjectsCommand } from "./projects.js";

const material = () => randomBytes(32).toString("base64");
const K1 = `k1:${material()}`;
const K2 = `k2:${material()}`;
const TEST_KEY = `sk_test_51${randomBytes(12).toString("hex")}wxyz`;
const LIVE_KEY = `sk_live_51${randomBytes(12).toString("hex")}live`;
const WHSEC = `whsec_${randomBytes(12).toString("hex")}aaaa`;
const JWT_SECRET = `jwt-${randomBytes(24).toString("hex")}`;
const SECRETS = [TEST_KEY, LIVE_KEY, WHSEC, K1.slice(3), K2.slice(3), JWT_SECRET];

describe("portico projects", () => {
  let dataDir: string;
  let testDatabase: TestDatabase;
  /** What the in-process commands borrow; the spawned CLI opens the configured one itself. */
  let database: Database;
  const base = () => ({
    PORTICO_DATA_DIR: dataDir,
    // No server to look for on a port: the CLI opens the embedded database itself.
    PORT: "0",
    ...(testDatabase.url ? { DATABASE_URL: testDatabase.url } : {}),
  });

  /** Runs `portico projects …` in-process with this environment, as events.test.ts does. */
  async function cli(env: Record<string, string>, ...args: string[]) {
    const captured = { out: "", err: "", code: undefined as number | undefined };
    const write = (stream: "out" | "err") => (text: string) => {
      captured[stream] += text;
    };
    const program = new Command()
      .exitOverride()
      .configureOutput({ writeOut: write("out"), writeErr: write("err") });
    registerProjectsCommand(program, {
      config: () => loadConfig({ ...base(), ...env }),
      database,
      io: { out: write("out"), err: write("err") },
      exit: (code) => {
        captured.code = code;
      },
    });
    try {
      await program.parseAsync(["projects", ...args], { from: "user" });
    } catch (error) {
      captured.code = (error as { exitCode?: number }).exitCode ?? 1;
    }
    // No command prints a secret, whatever it was given.
    for (const secret of SECRETS) expect(captured.out + captured.err).not.toContain(secret);
    return captured;
  }
  const withKey = { PORTICO_ENCRYPTION_KEY: K1 };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "portico-projects-"));
    testDatabase = await createTestDatabase();
    database = await openMigratedTestDatabase(testDatabase.url);
  });
  afterAll(async () => {
    await database.close();
    await testDatabase.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("creates, lists and shows a project with its keys from the environment, masked", async () => {
    const created = await cli({}, "create", "acme", "--name", "Acme Inc");
    expect(created).toMatchObject({ code: 0, err: "" });
    expect(created.out).toContain("Created project acme (Acme Inc)");

    const set = await cli(
      {
        ...withKey,
        STRIPE_TEST_SECRET_KEY: TEST_KEY,
        STRIPE_LIVE_SECRET_KEY: LIVE_KEY,
        STRIPE_WEBHOOK_SECRETS: WHSEC,
      },
      "set-keys",
      "acme",
    );
    expect(set.code, set.err).toBe(0);
    expect(set.out).toBe(
      "Set for project acme:\n" +
        "  test secret key       sk_test_…wxyz\n" +
        "  live secret key       sk_live_…live\n" +
        "  test webhook secrets  whsec_…aaaa\n",
    );

    const list = await cli({}, "list");
    expect(list.out).toMatch(
      /^ID\s+NAME\s+KEYS\s+CREATED_AT\s+DELETED_AT\nacme\s+Acme Inc\s+test,live\s+\S+Z\n$/,
    );
    const shown = await cli(withKey, "show", "acme");
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toMatch(/\ntest_secret_key\s+sk_test_…wxyz\n/);
    expect(shown.out).toMatch(/\nlive_webhook_secrets\s+-\n/);
    const json = JSON.parse((await cli(withKey, "show", "acme", "--json")).out);
    expect(json).toMatchObject({
      id: "acme",
      keys: { test: "sk_test_…wxyz", live: "sk_live_…live" },
    });
  });

  it("sets the billing file and return origins, and lists every problem of a bad one", async () => {
    await cli({}, "create", "configured", "--name", "Configured");
    const set = await cli(
      {},
      "set-config",
      "configured",
      "--file",
      "portico.config.json",
      "--return-origins",
      "https://app.example.com, http://localhost:5173",
    );
    expect(set.code, set.err).toBe(0);
    expect(set.out).toMatch(
      /\nreturn_origins\s+https:\/\/app\.example\.com, http:\/\/localhost:5173\n/,
    );
    expect(set.out).toMatch(/\nbilling\s+3 plans, 1 portal configuration\n/);

    const bad = join(dataDir, "bad.json");
    await writeFile(bad, JSON.stringify({ plans: [{ key: "Pro!", name: "" }] }));
    const refused = await cli(
      {},
      "set-config",
      "configured",
      "--file",
      bad,
      "--return-origins",
      "http://x.example",
    );
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^Invalid input:\n/);
    expect(refused.err).toContain("plans[0].key");
    expect(refused.err).toContain("plans[0].name");
    expect(refused.err).toContain('"http://x.example" is not an https origin');
    expect((await cli({}, "set-config", "configured")).err).toMatch(/Give --file/);
    expect(
      (await cli({}, "set-config", "configured", "--file", join(dataDir, "none.json"))).err,
    ).toMatch(/Cannot read .*none\.json/);
  });

  it("takes no secret from the command line, and says what to set", async () => {
    await cli({}, "create", "keyless", "--name", "Keyless");
    const none = await cli(withKey, "set-keys", "keyless");
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/Nothing to set: put STRIPE_TEST_SECRET_KEY/);
    const argv = await cli(withKey, "set-keys", "keyless", TEST_KEY);
    expect(argv.code).toBe(1);
    expect(argv.err).toMatch(/too many arguments/);
    const noMaster = await cli({ STRIPE_TEST_SECRET_KEY: TEST_KEY }, "set-keys", "keyless");
    expect(noMaster.code).toBe(1);
    expect(noMaster.err).toMatch(/PORTICO_ENCRYPTION_KEY is not set/);
  });

  it("refuses duplicates and unknown projects, soft-deletes, then purges", async () => {
    await cli({}, "create", "doomed", "--name", "Doomed");
    const twice = await cli({}, "create", "doomed", "--name", "Again");
    expect(twice).toMatchObject({ code: 1, err: 'A project "doomed" exists already.\n' });
    expect((await cli({}, "create", "Bad_Id", "--name", "x")).err).toMatch(/is not a project id/);
    expect((await cli({}, "show", "nobody")).err).toMatch(/No project "nobody"/);

    const deleted = await cli({}, "delete", "doomed");
    expect(deleted.out).toMatch(/Deleted project doomed\. Its data is kept/);
    expect((await cli({}, "list")).out).not.toContain("doomed");
    expect((await cli({}, "list", "--all")).out).toMatch(/\ndoomed\s+Doomed\s+-\s+\S+Z\s+\S+Z\n/);
    expect((await cli({}, "create", "doomed", "--name", "Again")).err).toMatch(/--purge/);
    // The project's own database (made by a server on its first request) goes too.
    await (await projectDatabases({ database }).open("doomed")).close();
    expect(await projectDatabaseExists("doomed")).toBe(true);
    expect((await cli({}, "delete", "doomed", "--purge")).out).toBe(
      "Purged project doomed and its billing data.\n",
    );
    expect((await cli({}, "list", "--all")).out).not.toContain("doomed");
    expect(await projectDatabaseExists("doomed")).toBe(false);
  });

  async function projectDatabaseExists(id: string): Promise<boolean> {
    const name = `${new URL(testDatabase.url).pathname.slice(1)}_p_${id}`;
    const [row] = await database.db
      .select({ found: sql<number>`1` })
      .from(sql`pg_database`)
      .where(sql`datname = ${name}`);
    return row !== undefined;
  }

  it("sets JWT sign-in from the environment's AUTH_JWT_*, never the command line", async () => {
    await cli({}, "create", "signed", "--name", "Signed");
    const jwtEnv = {
      ...withKey,
      AUTH_JWT_SECRET: JWT_SECRET,
      AUTH_JWT_ISSUER: "https://app.example.com",
      AUTH_JWT_AUDIENCE: "portico",
    };
    const set = await cli(jwtEnv, "set-config", "signed", "--jwt");
    expect(set.code, set.err).toBe(0);
    expect(set.out).toMatch(/\njwt\s+.*issuer https:\/\/app\.example\.com/);
    const missing = await cli(withKey, "set-config", "signed", "--jwt");
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.err).toMatch(/--jwt reads AUTH_JWT_SECRET/);
    const off = await cli(withKey, "set-config", "signed", "--no-jwt");
    expect(off.code, off.err).toBe(0);
    expect(off.out).toMatch(/\njwt\s+-\n/);
  });

  it("rotates the master key: the new key seals, the old one may then go", async () => {
    // The server's outgoing webhook endpoints are sealed under the same key.
    const boxOf = (key: string) => {
      const { encryption } = loadConfig({ PORTICO_ENCRYPTION_KEY: key });
      if (!encryption) throw new Error("no key");
      return createSecretBox(encryption);
    };
    const endpoint = await createWebhookEndpointService({
      db: database.db,
      box: boxOf(K1),
    }).addEndpoint({ url: "https://app.example.com/hooks" });
    // And a project's, in the project's own database.
    const acme = await projectDatabases({ database }).open("acme");
    const projectEndpoint = await createWebhookEndpointService({
      db: acme.db,
      box: boxOf(K1),
      projectId: "acme",
    }).addEndpoint({ url: "https://acme.example.com/hooks" });
    const rotated = await cli(
      { PORTICO_ENCRYPTION_KEY: K2, PORTICO_ENCRYPTION_PREVIOUS_KEYS: K1 },
      "rotate-master-key",
    );
    expect(rotated.code, rotated.err).toBe(0);
    expect(rotated.out).toMatch(
      /^Re-sealed 3 secrets in 1 project under the key "k2"; 0 already were\.\n/,
    );
    expect(rotated.out).toContain("Re-sealed 2 outgoing webhook endpoint secrets; 0 already were.");
    const [row] = await database.db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, endpoint.id));
    const binding = endpointSecretBinding(undefined, endpoint.id);
    expect(boxOf(K2).open(row?.secret ?? "", binding)).toBe(endpoint.secret);
    const [projectRow] = await acme.db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, projectEndpoint.id));
    await acme.close();
    const projectBinding = endpointSecretBinding("acme", projectEndpoint.id);
    expect(boxOf(K2).open(projectRow?.secret ?? "", projectBinding)).toBe(projectEndpoint.secret);
    expect((await cli({ PORTICO_ENCRYPTION_KEY: K2 }, "show", "acme")).out).toMatch(
      /sk_test_…wxyz/,
    );
    const oldOnly = await cli(withKey, "show", "acme");
    expect(oldOnly.code).toBe(1);
    expect(oldOnly.err).toMatch(/sealed under the key "k2"/);
  });

  it("is registered in the portico program, opens the configured database, reads secrets from the environment", () => {
    const env = { ...process.env, ...base(), PORTICO_ENCRYPTION_KEY: K2 };
    const run = (extra: Record<string, string>, ...args: string[]) =>
      spawnSync(...porticoCommand("projects", ...args), {
        encoding: "utf8",
        env: { ...env, ...extra },
      });
    const created = run({}, "create", "spawned", "--name", "Spawned");
    expect(created.status, created.stderr).toBe(0);
    const set = run({ STRIPE_LIVE_SECRET_KEY: LIVE_KEY }, "set-keys", "spawned");
    expect(set.status, set.stderr).toBe(0);
    expect(set.stdout).toBe("Set for project spawned:\n  live secret key       sk_live_…live\n");
    const shown = run({}, "show", "spawned", "--json");
    expect(JSON.parse(shown.stdout)).toMatchObject({ keys: { test: null, live: "sk_live_…live" } });
    const output = [created, set, shown].map((result) => result.stdout + result.stderr).join("");
    for (const secret of SECRETS) expect(output).not.toContain(secret);
  });
});
