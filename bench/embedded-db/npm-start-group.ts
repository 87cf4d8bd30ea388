import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { embeddedPostmasterPid } from "../../test/data-dir.js";
import { databaseProcesses } from "./embedded-database.js";
import {
  type Memory,
  processTree,
  readCommandLine,
  readMemory,
  sumMemory,
} from "./process-memory.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * `npm start` as a person runs it from the quick start: npm, the `portico start` server it
 * runs, the Stripe emulator and the embedded PostgreSQL that server starts. npm, the server
 * and the emulator share a process group (so a SIGINT to the group is Ctrl-C in a terminal);
 * the postmaster has its own, and the server stops it when it shuts down. No Stripe key is
 * set, so the server seeds the demo account and catalog into its emulator, as the quick
 * start does.
 */
export interface NpmStartGroup {
  /** Spawn to /healthz answering, in ms. */
  readyMs: number;
  serverPid(): number | undefined;
  emulatorPid(): number | undefined;
  /** Memory of npm (and its shell), the server, the emulator and the database, each summed over its processes. */
  readMemory(): { npm: Memory; server: Memory; emulator: Memory; database: Memory };
  stop(): Promise<void>;
}

export async function startNpmStartGroup(options: {
  port: number;
  /** PORTICO_DATA_DIR, where the embedded PostgreSQL runs. */
  dataDir: string;
  env: Record<string, string>;
  timeoutMs?: number;
}): Promise<NpmStartGroup> {
  // Without DATABASE_URL, whatever this shell has: the embedded database is what is measured.
  const env = { ...process.env, ...options.env };
  delete env.DATABASE_URL;
  const started = performance.now();
  // The web app's build is not what is measured: it is skipped.
  const child = spawn("npm", ["start", "--", "--no-web-build"], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...env, PORT: String(options.port), PORTICO_DATA_DIR: options.dataDir },
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const group = describeGroup(child, options.dataDir);
  const deadline = Date.now() + (options.timeoutMs ?? 180_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      await group.stop();
      throw new Error(`npm start was not ready within the timeout:\n${output}`);
    }
    const ok = await fetch(`http://127.0.0.1:${options.port}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { readyMs: performance.now() - started, ...group };
}

function describeGroup(child: ChildProcess, dataDir: string): Omit<NpmStartGroup, "readyMs"> {
  const classify = () => {
    const database = databaseProcesses(dataDir);
    const roles = { npm: [] as number[], server: [] as number[], emulator: [] as number[] };
    if (child.pid === undefined) return { ...roles, database };
    // The postmaster is the server's child: its tree is the database's, not npm's.
    const others = processTree(child.pid).filter((pid) => !database.includes(pid));
    for (const pid of others) {
      // npm runs the script through `sh -c "node bin/portico.js start …"`: the shell is npm's.
      const [program = "", script = ""] = readCommandLine(pid);
      const node = program.endsWith("node");
      if (node && script.endsWith("bin/portico.js")) roles.server.push(pid);
      else if (node && /emulator\/(dist|src)\/main\.[jt]s$/.test(script)) roles.emulator.push(pid);
      else roles.npm.push(pid);
    }
    return { ...roles, database };
  };
  return {
    serverPid: () => classify().server[0],
    emulatorPid: () => classify().emulator[0],
    readMemory() {
      const roles = classify();
      const of = (pids: number[]) => sumMemory(pids.map(readMemory));
      return {
        npm: of(roles.npm),
        server: of(roles.server),
        emulator: of(roles.emulator),
        database: of(roles.database),
      };
    },
    async stop() {
      if (child.pid === undefined || child.exitCode !== null) return;
      const exited = once(child, "exit");
      process.kill(-child.pid, "SIGINT");
      const timer = setTimeout(() => {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      }, 30_000);
      await exited;
      clearTimeout(timer);
      // npm may exit first; wait for the server, the emulator and the database to be gone too.
      for (let i = 0; i < 300 && child.pid !== undefined && groupAlive(child.pid); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      for (let i = 0; i < 300 && embeddedPostmasterPid(dataDir) !== undefined; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
