/**
 * `npm run bench:startup`: how long `portico start` takes to answer /healthz, and its
 * resident memory once idle, run as compiled JavaScript (`bin/portico.js`, what `npm start`
 * runs) and as TypeScript through tsx (what it ran before). Rounds alternate between the
 * two, against one emulator, with no billing file and no web build. Each start is on a new
 * data directory, so it includes initdb and the start of the embedded PostgreSQL; the RSS is
 * the server's alone.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeDataDir, removeDataDir } from "../test/data-dir.js";
import { newStripeKeys, startEmulatorProcess } from "../test/emulator-process.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const IDLE_MS = 2_000;

const VARIANTS = {
  compiled: ["bin/portico.js", "start", "--no-web-build"],
  tsx: ["--import", "tsx", "src/cli/main.ts", "start", "--no-web-build"],
} as const;
type Variant = keyof typeof VARIANTS;

function residentMb(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function measure(variant: Variant, emulatorUrl: string, key: string) {
  const port = 35_000 + Math.floor(Math.random() * 1000);
  // Mode 0755: as root the embedded PostgreSQL runs as an unprivileged account, which must reach it.
  const dataDir = makeDataDir("portico-bench-start");
  const started = performance.now();
  const child = spawn(process.execPath, [...VARIANTS[variant]], {
    cwd: ROOT,
    stdio: "ignore",
    env: {
      ...process.env,
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      PORT: String(port),
      PORTICO_DATA_DIR: dataDir,
      PORTICO_CONFIG: join(dataDir, "no-billing-config.json"),
      STRIPE_TEST_SECRET_KEY: key,
      STRIPE_API_BASE: emulatorUrl,
    },
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${variant} exited ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (response) => response.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const readyMs = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    return { readyMs, rssMb: residentMb(child) };
  } finally {
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    await exited;
    // Also stops the embedded PostgreSQL if the server left it running.
    removeDataDir(dataDir);
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

async function main() {
  const emulator = await startEmulatorProcess();
  const key = newStripeKeys().test;
  const results: Record<Variant, { readyMs: number; rssMb: number }[]> = { compiled: [], tsx: [] };
  try {
    // A first compiled start builds dist/ if it is stale; it is not counted.
    await measure("compiled", emulator.url, key);
    for (let round = 0; round < ROUNDS; round++) {
      for (const variant of ["compiled", "tsx"] as const) {
        results[variant].push(await measure(variant, emulator.url, key));
      }
    }
  } finally {
    await emulator.stop();
  }
  console.log(`\nportico start, ${ROUNDS} alternating rounds, medians\n`);
  console.log("| runs as | ready (/healthz) ms | idle RSS MB |");
  console.log("|---|---:|---:|");
  for (const variant of ["compiled", "tsx"] as const) {
    const runs = results[variant];
    const ready = median(runs.map((run) => run.readyMs)).toFixed(0);
    const rss = median(runs.map((run) => run.rssMb)).toFixed(0);
    console.log(`| ${variant} | ${ready} | ${rss} |`);
  }
}

await main();
