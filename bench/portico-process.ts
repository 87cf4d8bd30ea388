import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * `portico start` as a separate process (as deployed), in production mode with warn-level
 * logs, pointed at an emulator; resolves once /healthz answers.
 */
export async function startPorticoProcess(options: {
  port: number;
  emulatorUrl: string;
  env: Record<string, string>;
}): Promise<ChildProcess> {
  const app = `http://127.0.0.1:${options.port}`;
  // e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const child = spawn(
    process.execPath,
    [...nodeArgs, "--import", "tsx", "src/cli/main.ts", "start"],
    {
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
    },
  );
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
