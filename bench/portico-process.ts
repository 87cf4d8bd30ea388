import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * `portico start` as a separate process (as deployed), in production mode with warn-level
 * logs, pointed at an emulator; resolves once /healthz answers. It runs the `portico` bin,
 * compiled dist/ (built first if stale), never TypeScript through a loader.
 */
export async function startPorticoProcess(options: {
  port: number;
  emulatorUrl: string;
  env: Record<string, string>;
}): Promise<ChildProcess> {
  const app = `http://127.0.0.1:${options.port}`;
  // e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, "bin/portico.js", "start"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      PORT: String(options.port),
      APP_URL: app,
      STRIPE_API_BASE: options.emulatorUrl,
      STRIPE_MAX_NETWORK_RETRIES: "0",
      ...options.env,
    },
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${app}/healthz`)).ok) return child;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGKILL");
  throw new Error("Portico did not start");
}

export async function stopProcess(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  await exited;
}

/**
 * CPU time (user + system) a process has used so far, in ms, from /proc (Linux). Per unit
 * of work it varies far less than throughput when the machine is shared.
 */
export function readCpuMs(child: ChildProcess): number {
  const stat = readFileSync(`/proc/${child.pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** `getconf CLK_TCK`: 100 on every Linux Node.js runs on. */
const CLOCK_TICKS_PER_SECOND = 100;
