import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { porticoCommand } from "../../test/cli-process.js";
import {
  createTestDatabase,
  openMigratedTestDatabase,
  type TestDatabase,
} from "../../test/database.js";
import { emulatorSdk, newStripeKeys } from "../../test/emulator-process.js";
import type { DoctorCheck } from "../billing/doctor/checks.js";
import { HANDLED_EVENT_TYPES } from "../billing/sync/handlers.js";
import { type Config, loadConfig, type StripeMode } from "../config.js";
import { createProjectService, type ProjectService } from "../projects/project-service.js";
import { createSecretBox } from "../projects/secret-box.js";
import type { CommandIo } from "./command-context.js";
import { runDoctor } from "./doctor.js";
import {
  runStripeApply,
  runStripePlan,
  type StripeCommandOptions,
  type CommandIo as StripeIo,
} from "./stripe.js";

/**
 * `portico stripe plan|apply --project` and `portico doctor --project` against a project
 * registered in the database, on the emulator, where each key is an account of its own:
 * mostly through the commands' entry points, and as the compiled CLI where its argument
 * parsing, output and exit code are what is tested.
 */

const EXAMPLE = fileURLToPath(new URL("../../portico.config.json", import.meta.url));
const MASTER_KEY = `k1:${randomBytes(32).toString("base64")}`;
const WHSEC = `whsec_${randomBytes(12).toString("hex")}`;

/** The child's environment: none of this machine's Stripe, database or Portico settings. */
const BASE_ENV = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) => !/^(STRIPE_|PORTICO_|DATABASE_URL$|APP_URL$|RETURN_URL_ORIGINS$)/.test(name),
  ),
);

describe("portico stripe|doctor --project", () => {
  const emulatorUrl = inject("emulatorUrl");
  /** The project's account, and the environment's own: nothing may land in the latter. */
  const projectKeys = newStripeKeys();
  const serverKeys = newStripeKeys();
  const secrets = [projectKeys.test, serverKeys.test, WHSEC, MASTER_KEY.slice(3)];
  let dataDir: string;
  let testDatabase: TestDatabase;
  let app: Server;
  let appUrl: string;

  const env = (): Record<string, string> => ({
    NODE_ENV: "test",
    PORTICO_DATA_DIR: dataDir,
    // No server to look for on a port: the CLI opens the embedded database itself.
    PORT: "0",
    APP_URL: appUrl,
    PORTICO_ENCRYPTION_KEY: MASTER_KEY,
    STRIPE_API_BASE: emulatorUrl,
    STRIPE_MAX_NETWORK_RETRIES: "0",
    STRIPE_TEST_SECRET_KEY: serverKeys.test,
    ...(testDatabase.url ? { DATABASE_URL: testDatabase.url } : {}),
  });

  /** Runs the CLI without blocking this process, whose HTTP server stands in for the app. */
  function portico(extra: Record<string, string | undefined>, ...args: string[]) {
    // An undefined value takes a variable out.
    const childEnv = Object.fromEntries(
      Object.entries({ ...BASE_ENV, ...env(), ...extra }).filter(
        ([, value]) => value !== undefined,
      ),
    );
    const child = spawn(...porticoCommand(...args), {
      cwd: dataDir,
      env: childEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.stderr.on("data", (chunk) => {
      err += chunk;
    });
    return new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code) => {
        // Whatever a command was given, no secret comes back out.
        for (const secret of secrets) expect(out + err).not.toContain(secret);
        resolve({ code, out, err });
      });
    });
  }

  /**
   * A command's entry point run in this process (`portico()` runs the compiled CLI, for the
   * argument parsing and the exit codes): the same code, without a process start per call.
   */
  async function inProcess(
    command: (io: CommandIo & StripeIo, config: Config) => Promise<number>,
    extra: Record<string, string | undefined> = {},
  ) {
    const captured = { out: "", err: "" };
    const io = {
      out: (text: string) => {
        captured.out += text;
      },
      err: (text: string) => {
        captured.err += text;
      },
      color: false,
      interactive: false,
      confirm: async () => false,
    };
    const environment = Object.fromEntries(
      Object.entries({ ...env(), ...extra }).filter(([, value]) => value !== undefined),
    ) as Record<string, string>;
    const code = await command(io, loadConfig(environment));
    for (const secret of secrets) expect(captured.out + captured.err).not.toContain(secret);
    return { code, ...captured };
  }

  const stripe = (
    command: "plan" | "apply",
    options: Omit<StripeCommandOptions, "mode"> & { mode?: StripeMode },
    extra?: Record<string, string | undefined>,
  ) =>
    inProcess(
      (io, config) =>
        (command === "plan" ? runStripePlan : runStripeApply)(
          { mode: "test", ...options },
          config,
          io,
        ),
      extra,
    );

  async function doctor(id: string) {
    const result = await inProcess((io, config) =>
      runDoctor({ config }, { project: id, json: true }, io),
    );
    const report = JSON.parse(result.out) as { ok: boolean; checks: DoctorCheck[] };
    const byName = Object.fromEntries(report.checks.map((check) => [check.name, check]));
    return { ...result, report, byName };
  }

  /**
   * The registry, in-process (`portico projects` has its own tests): only the commands under
   * test run as the compiled CLI.
   */
  async function withProjects(work: (projects: ProjectService) => Promise<void>) {
    const config = loadConfig(env());
    const database = await openMigratedTestDatabase(testDatabase.url);
    try {
      await work(
        createProjectService({
          db: database.db,
          box: config.encryption && createSecretBox(config.encryption),
        }),
      );
    } finally {
      await database.close();
    }
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "portico-project-cli-"));
    testDatabase = await createTestDatabase();
    app = createServer((_, response) => response.end("ok"));
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    const address = app.address();
    appUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    await withProjects(async (projects) => {
      await projects.create({ id: "shop", name: "Shop" });
      await projects.setKeys("shop", {
        testSecretKey: projectKeys.test,
        testWebhookSecrets: [WHSEC],
      });
      await projects.setConfig("shop", {
        billing: JSON.parse(await readFile(EXAMPLE, "utf8")),
        returnOrigins: [appUrl],
      });
      await projects.create({ id: "bare", name: "Bare" });
    });
  });
  afterAll(async () => {
    await new Promise((resolve) => app.close(resolve));
    await testDatabase.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("plans and applies the project's billing configuration in the project's account only", async () => {
    const plan = await portico({}, "stripe", "plan", "--project", "shop");
    expect(plan.code, plan.err).toBe(0);
    expect(plan.out).toMatch(/^Stripe test mode, to match project shop's billing configuration:\n/);
    expect(plan.out).toMatch(/\nPlan: \d+ to create, 0 to update, 0 to replace, 0 to archive\.\n$/);
    const json = JSON.parse((await stripe("plan", { project: "shop", json: true })).out);
    expect(json).toMatchObject({ mode: "test", project: "shop", hasChanges: true });
    expect(json).not.toHaveProperty("file");

    const applied = await stripe("apply", { project: "shop", yes: true });
    expect(applied.code, applied.err).toBe(0);
    expect(applied.out).toMatch(/\nApplied: \d+ created, 0 updated, 0 replaced, 0 archived\.\n$/);

    const project = emulatorSdk(projectKeys.test, emulatorUrl);
    const prices = await project.prices.list({ lookup_keys: ["pro_monthly"] });
    expect(prices.data).toHaveLength(1);
    expect((await project.products.list()).data.length).toBeGreaterThan(0);
    expect((await project.billingPortal.configurations.list()).data.length).toBeGreaterThan(0);
    const server = emulatorSdk(serverKeys.test, emulatorUrl);
    expect((await server.products.list()).data).toEqual([]);
    expect((await server.billingPortal.configurations.list()).data).toEqual([]);

    const again = await stripe("plan", { project: "shop", detailedExitcode: true });
    expect(again).toMatchObject({
      code: 0,
      out: "No changes. Stripe test mode matches project shop's billing configuration.\n",
    });
  });

  it("runs doctor on the project's account, with the project's webhook URL per mode", async () => {
    const webhookUrl = `${appUrl}/api/v1/payments/stripe/webhooks/shop/test`;
    const missing = await doctor("shop");
    expect(missing.code, missing.out).toBe(1);
    expect(missing.byName.project).toMatchObject({
      status: "pass",
      message: "project shop: test key",
    });
    expect(missing.byName.stripe_test_webhook_secret).toMatchObject({
      status: "pass",
      message: expect.stringContaining(`to ${webhookUrl}`),
    });
    expect(missing.byName.stripe_test_webhook_endpoint).toMatchObject({
      status: "fail",
      message: `no webhook endpoint sends to ${webhookUrl}`,
      // Created where the project's key works: here, the emulator.
      fix: expect.stringContaining(`curl ${new URL(emulatorUrl).origin}/v1/webhook_endpoints`),
    });
    expect(missing.byName.app_url_origins).toMatchObject({
      status: "pass",
      message: expect.stringContaining(`project shop's first return origin ${appUrl}`),
    });

    await emulatorSdk(projectKeys.test, emulatorUrl).webhookEndpoints.create({
      url: webhookUrl,
      enabled_events: [...HANDLED_EVENT_TYPES] as never,
    });
    const good = await doctor("shop");
    expect(good.report.checks.filter((check) => check.status !== "pass")).toEqual([]);
    expect(good.code).toBe(0);
    const text = await portico({}, "doctor", "--project", "shop");
    expect(text.out).toContain(
      `sends the ${HANDLED_EVENT_TYPES.length} events sync needs to ${webhookUrl}`,
    );
    expect(text.out).toMatch(/All good\.\n$/);
  });

  it("says how to fix a project's missing key, webhook secret and billing configuration", async () => {
    const bare = await doctor("bare");
    expect(bare.code).toBe(1);
    expect(bare.byName.stripe_keys).toMatchObject({
      status: "fail",
      state: "missing",
      fix: expect.stringContaining("`portico projects set-keys bare` with STRIPE_TEST_SECRET_KEY"),
    });
    expect(bare.byName.billing_config).toMatchObject({
      status: "skip",
      fix: "`portico projects set-config bare --file portico.config.json`",
    });

    const plan = await stripe("plan", { project: "bare" });
    expect(plan.code).toBe(1);
    expect(plan.err).toBe(
      "Project bare has no Stripe key for test mode. Store one with `portico projects set-keys bare` and STRIPE_TEST_SECRET_KEY in the environment.\n",
    );
    const live = await stripe("apply", { project: "shop", mode: "live" });
    expect(live.code).toBe(1);
    expect(live.err).toMatch(
      /^Project shop has no Stripe key for live mode\. .*`portico projects set-keys shop`/,
    );

    await withProjects((projects) =>
      projects.setKeys("bare", { testSecretKey: newStripeKeys().test }).then(() => {}),
    );
    const noBilling = await stripe("plan", { project: "bare" });
    expect(noBilling).toMatchObject({
      code: 1,
      err: "Project bare has no billing configuration. Set one with `portico projects set-config bare --file portico.config.json`.\n",
    });
    const secretless = await doctor("bare");
    expect(secretless.byName.stripe_test_webhook_secret).toMatchObject({
      state: "missing",
      message: expect.stringContaining(`${appUrl}/api/v1/payments/stripe/webhooks/bare/test`),
      fix: expect.stringContaining("`portico projects set-keys bare` with STRIPE_WEBHOOK_SECRETS"),
    });
  });

  it("refuses an unknown or deleted project, a missing master key and --config beside --project", async () => {
    const unknown = 'No project "nobody". `portico projects list` shows them.\n';
    expect(await portico({}, "stripe", "plan", "--project", "nobody")).toMatchObject({
      code: 1,
      err: unknown,
    });
    const doctored = await doctor("nobody");
    expect(doctored.code).toBe(1);
    expect(doctored.byName.project).toMatchObject({ status: "fail", message: unknown.trim() });

    await withProjects(async (projects) => {
      await projects.create({ id: "gone", name: "Gone" });
      await projects.delete("gone");
    });
    expect(await stripe("apply", { project: "gone", yes: true })).toMatchObject({
      code: 1,
      err: 'No project "gone". `portico projects list` shows them.\n',
    });

    const noKey = await stripe("plan", { project: "shop" }, { PORTICO_ENCRYPTION_KEY: undefined });
    expect(noKey.code).toBe(1);
    expect(noKey.err).toMatch(/^PORTICO_ENCRYPTION_KEY is not set/);

    const both = await portico({}, "stripe", "plan", "--project", "shop", "--config", EXAMPLE);
    expect(both.code).toBe(1);
    expect(both.err).toMatch(
      /option '--project <id>' cannot be used with option '--config <path>'/,
    );
  });
});
