import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
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
 * runs and the Stripe emulator that server starts, in a process group of their own (so a
 * SIGINT to the group is Ctrl-C in a terminal). No Stripe key is set, so the server seeds
 * the demo account and catalog into its emulator, as the quick start does.
 */
export interface NpmStartGroup {
  /** Spawn to /healthz answering, in ms. */
  readyMs: number;
  serverPid(): number | undefined;
  emulatorPid(): number | undefined;
  /** Memory of npm (and its shell), the server and the emulator, each summed over its processes. */
  readMemory(): { npm: Memory; server: Memory; emulator: Memory };
  stop(): Promise<void>;
}

export async function startNpmStartGroup(options: {
  port: number;
  env: Record<string, string>;
  timeoutMs?: number;
}): Promise<NpmStartGroup> {
  const started = performance.now();
  // The web app's build is the same for every database; it is skipped, not timed.
  const child = spawn("npm", ["start", "--", "--no-web-build"], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...options.env, PORT: String(options.port) },
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const group = describeGroup(child);
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

function describeGroup(child: ChildProcess): Omit<NpmStartGroup, "readyMs"> {
  const classify = () => {
    const roles = { npm: [] as number[], server: [] as number[], emulator: [] as number[] };
    if (child.pid === undefined) return roles;
    for (const pid of processTree(child.pid)) {
      // npm runs the script through `sh -c "node bin/portico.js start …"`: the shell is npm's.
      const [program = "", script = ""] = readCommandLine(pid);
      const node = program.endsWith("node");
      if (node && script.endsWith("bin/portico.js")) roles.server.push(pid);
      else if (node && /emulator\/(dist|src)\/main\.[jt]s$/.test(script)) roles.emulator.push(pid);
      else roles.npm.push(pid);
    }
    return roles;
  };
  return {
    serverPid: () => classify().server[0],
    emulatorPid: () => classify().emulator[0],
    readMemory() {
      const roles = classify();
      const of = (pids: number[]) => sumMemory(pids.map(readMemory));
      return { npm: of(roles.npm), server: of(roles.server), emulator: of(roles.emulator) };
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
      // npm may exit first; wait for the server and the emulator to be gone too.
      for (let i = 0; i < 300 && child.pid !== undefined && groupAlive(child.pid); i++) {
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
