import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { freePort } from "../free-port.js";
import { findPostgresRunner, type PostgresRunner, reachableBy } from "./postgres-binaries.js";

/**
 * The embedded database: a real PostgreSQL server from npm-shipped binaries, kept in the
 * data directory and started on a free loopback port by whichever Portico process needs it
 * first (`npm start`, or a CLI command with no server running). Later processes find it
 * through its `postmaster.pid` and share it, as they would share any PostgreSQL server.
 * The process that started it stops it when it closes, unless others are still connected;
 * a server left running by a process that died is adopted by the next one.
 */

export interface EmbeddedPostgres {
  /** postgres://portico:…@127.0.0.1:<port>/postgres */
  url: string;
  /** Stops the server if this process owns it and nobody else is connected. */
  close(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** `-c` settings on top of the defaults, e.g. `fsync=off` for throwaway test clusters. */
  settings?: string[];
}

/** Small settings: a development sidecar, not a production server. */
const DEFAULT_SETTINGS = ["shared_buffers=16MB", "work_mem=2MB", "maintenance_work_mem=16MB"];
const READY_DEADLINE_MS = 60_000;
const STOP_DEADLINE_MS = 30_000;

export async function openEmbeddedPostgres(
  dataDir: string,
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  const runner = findPostgresRunner();
  // As root the server's account must reach its cluster inside; the files that hold secrets
  // are 0600 either way.
  mkdirSync(dataDir, { recursive: true, mode: runner.account ? 0o755 : 0o700 });
  const cluster = clusterDir(dataDir, runner);
  // Made, started and ready under the lock, so that nobody else starts a second server.
  const url = await withStartLock(dataDir, async () => {
    const password = readOrCreatePassword(dataDir);
    const urlOn = (port: number) => `postgres://portico:${password}@127.0.0.1:${port}/postgres`;
    const running = runningServer(cluster);
    if (running) {
      if (!isAlive(readOwner(dataDir))) writeOwner(dataDir);
      await waitUntilReady(urlOn(running.port), cluster);
      return urlOn(running.port);
    }
    if (!existsSync(join(cluster, "PG_VERSION"))) await initCluster(cluster, password, runner);
    const { port, server } = await startServer(cluster, dataDir, runner, options.settings ?? []);
    await waitUntilReady(urlOn(port), cluster, server);
    writeOwner(dataDir);
    return urlOn(port);
  });
  return { url, close: () => stopIfLast(dataDir, cluster, url) };
}

/** Whether a Portico process already made the data directory's embedded database. */
export function embeddedDatabaseExists(dataDir: string): boolean {
  return existsSync(join(dataDir, "postgres.password"));
}

/**
 * `<dataDir>/postgres`; as root, when the server's account cannot reach the data directory
 * (a home directory of mode 0700), a directory under /var/tmp named after it instead.
 */
function clusterDir(dataDir: string, runner: PostgresRunner): string {
  const inside = join(resolve(dataDir), "postgres");
  if (!runner.account || reachableBy(inside, runner.account)) return inside;
  const name = resolve(dataDir)
    .replace(/[^A-Za-z0-9]+/g, "_")
    .slice(-80);
  mkdirSync("/var/tmp/portico-postgres", { recursive: true, mode: 0o755 });
  return join("/var/tmp/portico-postgres", `cluster${name}`);
}

function readOrCreatePassword(dataDir: string): string {
  const file = join(dataDir, "postgres.password");
  // Under the start lock: no other process is making it at the same time.
  if (!existsSync(file)) {
    writeFileSync(file, `${randomBytes(18).toString("base64url")}\n`, { mode: 0o600 });
  }
  return readFileSync(file, "utf8").trim();
}

async function initCluster(cluster: string, password: string, runner: PostgresRunner) {
  mkdirSync(cluster, { recursive: true, mode: 0o700 });
  if (runner.account) chownSync(cluster, runner.account.uid, runner.account.gid);
  // initdb reads the superuser's password from a file its account can read, removed after.
  const pwfile = join(dirname(cluster), `.postgres-pwfile-${process.pid}`);
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (runner.account) chownSync(pwfile, runner.account.uid, runner.account.gid);
  const args = [
    ...["-D", cluster, "-U", "portico", "-A", "scram-sha-256", `--pwfile=${pwfile}`],
    ...["-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions"],
  ];
  const initdb = spawnPostgresBinary(runner, "initdb", args, ["ignore", "pipe", "pipe"]);
  let output = "";
  initdb.stdout?.on("data", (chunk) => (output += chunk));
  initdb.stderr?.on("data", (chunk) => (output += chunk));
  const code = await new Promise<number | null>((done, fail) => {
    initdb.once("error", fail);
    initdb.once("exit", done);
  }).finally(() => unlinkSync(pwfile));
  if (code !== 0) throw new Error(`initdb failed in ${cluster} (exit ${code}): ${output.trim()}`);
}

async function startServer(
  cluster: string,
  dataDir: string,
  runner: PostgresRunner,
  settings: string[],
): Promise<{ port: number; server: ChildProcess }> {
  const port = await freePort();
  const log = openSync(join(dataDir, "postgres.log"), "a", 0o600);
  // No unix socket: its directory must be writable by the server's account, and a deep
  // data directory makes a path longer than a socket name may be.
  const flags = ["listen_addresses=127.0.0.1", "unix_socket_directories=", `port=${port}`];
  const args = [
    "-D",
    cluster,
    ...[...DEFAULT_SETTINGS, ...flags, ...settings].flatMap((s) => ["-c", s]),
  ];
  // Its own process group: Ctrl-C reaches Portico, which drains and then stops the server.
  const server = spawnPostgresBinary(runner, "postgres", args, ["ignore", log, log], true);
  closeSync(log);
  server.unref();
  return { port, server };
}

function spawnPostgresBinary(
  runner: PostgresRunner,
  name: "initdb" | "postgres",
  args: string[],
  stdio: ("pipe" | "ignore" | number)[],
  detached = false,
): ChildProcess {
  return spawn(join(runner.nativeDir, "bin", name), args, {
    stdio,
    detached,
    // None of Portico's environment (Stripe keys, secrets) reaches the database's processes.
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LC_ALL: "C" },
    ...(runner.account ? { uid: runner.account.uid, gid: runner.account.gid } : {}),
  });
}

async function waitUntilReady(url: string, cluster: string, server?: ChildProcess) {
  const deadline = Date.now() + READY_DEADLINE_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (server && server.exitCode !== null) {
      throw new Error(
        `The embedded PostgreSQL in ${cluster} exited at start (code ${server.exitCode}); see postgres.log in the data directory.`,
      );
    }
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      lastError = error;
      await client.end().catch(() => {});
    }
    await sleep(100);
  }
  throw new Error(
    `The embedded PostgreSQL in ${cluster} did not accept connections within ${READY_DEADLINE_MS / 1000} s ` +
      `(${lastError instanceof Error ? lastError.message : String(lastError)}); see postgres.log in the data directory.`,
  );
}

async function stopIfLast(dataDir: string, cluster: string, url: string) {
  const owner = readOwner(dataDir);
  if (owner !== process.pid && isAlive(owner)) return;
  const running = runningServer(cluster);
  if (!running) return;
  const client = new pg.Client({ connectionString: url });
  // The server may be stopping under us: the query fails, and the loss must not end the process.
  client.on("error", () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ others: number }>(
      "select count(*)::int as others from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()",
    );
    if ((rows[0]?.others ?? 0) > 0) return;
  } catch {
    // Not answering: stop it all the same.
  } finally {
    await client.end().catch(() => {});
  }
  // SIGINT is PostgreSQL's fast shutdown: open transactions roll back, the data is safe.
  process.kill(running.pid, "SIGINT");
  const deadline = Date.now() + STOP_DEADLINE_MS;
  while (runningServer(cluster) && Date.now() < deadline) await sleep(50);
  if (readOwner(dataDir) === process.pid) unlinkSync(join(dataDir, "postgres.owner"));
}

/** The live server in `cluster`, from the `postmaster.pid` it writes (pid, …, port). */
function runningServer(cluster: string): { pid: number; port: number } | undefined {
  let lines: string[];
  try {
    lines = readFileSync(join(cluster, "postmaster.pid"), "utf8").split("\n");
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return isAlive(pid) && port > 0 ? { pid, port } : undefined;
}

function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOwner(dataDir: string): number | undefined {
  try {
    return Number(readFileSync(join(dataDir, "postgres.owner"), "utf8")) || undefined;
  } catch {
    return undefined;
  }
}

function writeOwner(dataDir: string) {
  writeFileSync(join(dataDir, "postgres.owner"), String(process.pid), { mode: 0o600 });
}

/** One process at a time initialises or starts the server; the others then find it running. */
async function withStartLock<T>(dataDir: string, run: () => Promise<T>): Promise<T> {
  const lock = join(dataDir, "postgres.lock");
  const deadline = Date.now() + READY_DEADLINE_MS;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: "wx", mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(readFileSync(lock, "utf8")) || undefined;
      if (!isAlive(holder)) rmSync(lock, { force: true });
      else if (Date.now() > deadline) throw new Error(`${lock} is held by process ${holder}`);
      else await sleep(100);
    }
  }
  try {
    return await run();
  } finally {
    rmSync(lock, { force: true });
  }
}
