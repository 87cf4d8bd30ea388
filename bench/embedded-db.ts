/**
 * `npm run bench:embedded-db`: `npm start` on its default database, the PostgreSQL server
 * Portico runs itself from npm-shipped binaries in `<PORTICO_DATA_DIR>/postgres` (issue 19),
 * against the goals.
 *
 * Each round, on a fresh data directory: `npm start` cold (initdb, migrations, the demo seed)
 * and warm (the same directory again), with the database's own part of each start (it is
 * inside npm start's time to /healthz), and the idle memory after each; then a burst of 32
 * concurrent portal requests while every Stripe call takes 300 ms (do they wait on one
 * another?), then 60 s of autocannon at 32 connections against POST /api/billing/portal, with
 * the CPU per request and the memory after it. Memory is RSS and PSS from
 * /proc/<pid>/smaps_rollup; the database's is PSS summed over the postmaster (from
 * `postmaster.pid`) and all its children.
 *
 * Knobs: BENCH_ROUNDS (3), BENCH_SATURATION_S (60), BENCH_IDLE_MS (5000).
 */
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { cpus, loadavg as osLoadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { freePort } from "../src/free-port.js";
import { makeDataDir, removeDataDir } from "../test/data-dir.js";
import { readDatabaseCpuMs, watchDatabaseStart } from "./embedded-db/embedded-database.js";
import { benchGoals, benchMetrics } from "./embedded-db/metrics.js";
import { type NpmStartGroup, startNpmStartGroup } from "./embedded-db/npm-start-group.js";
import {
  linkCustomers,
  measureHeadOfLine,
  runAutocannon,
  signUpUsers,
} from "./embedded-db/portal-load.js";
import { readCpuMs } from "./embedded-db/process-memory.js";
import { printGoals, printTable, type RoundResult } from "./embedded-db/report.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SATURATION_S = Number(process.env.BENCH_SATURATION_S ?? 60);
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 5_000);
const CONNECTIONS = 32;
const STRIPE_LATENCY_MS = 300;
const ADMIN_TOKEN = randomBytes(24).toString("hex");
const ROOT = fileURLToPath(new URL("..", import.meta.url));

async function measureRound(): Promise<RoundResult> {
  // Mode 0755: as root the database runs as an unprivileged account, which must reach it.
  const dataDir = makeDataDir("portico-bench-db");
  const port = await freePort();
  const emulatorPort = await freePort();
  const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
  const appUrl = `http://localhost:${port}`;
  const env: Record<string, string> = {
    STRIPE_EMULATOR_PORT: String(emulatorPort),
    LOG_LEVEL: "warn",
    RATE_LIMIT_PORTAL: "1000000/60s",
    RATE_LIMIT_SIGNUP: "1000000/60s",
    PORTICO_ADMIN_TOKEN_SHA256: createHash("sha256").update(ADMIN_TOKEN).digest("hex"),
  };
  const result: RoundResult = {};
  let group: NpmStartGroup | undefined;
  const start = async (prefix: "cold" | "warm") => {
    const watch = watchDatabaseStart(dataDir);
    const started = await startNpmStartGroup({ port, dataDir, env }).finally(() => {
      const databaseMs = watch.stop();
      if (databaseMs !== undefined) result[`${prefix}DbMs`] = databaseMs;
    });
    group = started;
    result[`${prefix}Ms`] = started.readyMs;
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    return started;
  };
  const snapshot = (prefix: string) => {
    if (!group) return;
    const { npm, server, emulator, database } = group.readMemory();
    result[`${prefix}.serverRss`] = server.rssMb;
    result[`${prefix}.serverPss`] = server.pssMb;
    result[`${prefix}.dbPss`] = database.pssMb;
    result[`${prefix}.serverDbPss`] = server.pssMb + database.pssMb;
    result[`${prefix}.emulatorPss`] = emulator.pssMb;
    result[`${prefix}.groupPss`] = npm.pssMb + server.pssMb + emulator.pssMb + database.pssMb;
  };
  try {
    await start("cold");
    snapshot("idleCold");
    await group?.stop();
    group = undefined;

    const running = await start("warm");
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

    const serverPid = running.serverPid();
    if (serverPid === undefined) throw new Error("no server process in the npm start group");
    const emulatorPid = running.emulatorPid();
    const serverCpuBefore = readCpuMs(serverPid);
    const dbCpuBefore = readDatabaseCpuMs(dataDir);
    const emulatorCpuBefore = emulatorPid === undefined ? 0 : readCpuMs(emulatorPid);
    let peak = 0;
    const sampler = setInterval(() => {
      const { server, database } = running.readMemory();
      peak = Math.max(peak, server.pssMb + database.pssMb);
    }, 1_000);
    const load = await runAutocannon(appUrl, users, body, SATURATION_S).finally(() =>
      clearInterval(sampler),
    );
    const dbCpuMs = readDatabaseCpuMs(dataDir) - dbCpuBefore;
    const cpuMs = readCpuMs(serverPid) - serverCpuBefore + dbCpuMs;
    snapshot("saturated");
    result["saturated.peakServerDbPss"] = Math.max(peak, result["saturated.serverDbPss"] ?? 0);
    result.rps = load.requests / SATURATION_S;
    result.p50 = load.p50;
    result.p99 = load.p99;
    result.errors = load.errors;
    result.cpuMsPerRequest = cpuMs / load.requests;
    result.dbCpuMsPerRequest = dbCpuMs / load.requests;
    if (emulatorPid !== undefined) {
      result.emulatorCpuMsPerRequest = (readCpuMs(emulatorPid) - emulatorCpuBefore) / load.requests;
    }
    return result;
  } finally {
    await group?.stop();
    // Also stops a database the server left running (it was killed, say).
    removeDataDir(dataDir);
  }
}

async function main() {
  const rounds: RoundResult[] = [];
  // `npm start` compiles dist/ when it is older than src/; that build is not timed.
  execFileSync(process.execPath, ["bin/portico.js", "--help"], { cwd: ROOT, stdio: "ignore" });
  const loadBefore = loadavg();
  const failedRounds: string[] = [];
  const started = Date.now();
  for (let round = 0; round < ROUNDS; round++) {
    console.error(`bench: round ${round + 1}/${ROUNDS}`);
    try {
      const result = await measureRound();
      rounds.push(result);
      console.error(`bench:   ${JSON.stringify(result)}`);
    } catch (error) {
      // One failed round is reported and left out; the others still count.
      failedRounds.push(`round ${round + 1}: ${String(error)}`);
      console.error(`bench:   FAILED ${String(error)}`);
    }
  }
  console.log(
    `\nnpm start on its embedded PostgreSQL, ${rounds.length} of ${ROUNDS} rounds, medians (min–max); ` +
      `${((Date.now() - started) / 60_000).toFixed(0)} min; ${cpus().length} cores; ` +
      `load average ${loadBefore} before, ${loadavg()} after\n`,
  );
  const metrics = benchMetrics({
    saturationS: SATURATION_S,
    connections: CONNECTIONS,
    stripeLatencyMs: STRIPE_LATENCY_MS,
  });
  printTable(metrics, "embedded PostgreSQL", rounds);
  console.log("\nThe issue's goals\n");
  printGoals(benchGoals(SATURATION_S), rounds);
  for (const failure of failedRounds) console.log(`\nFailed and left out: ${failure}`);
}

const loadavg = () =>
  osLoadavg()
    .map((load) => load.toFixed(1))
    .join(" / ");

await main();
