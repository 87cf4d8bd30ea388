import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Keeps `web/dist` current for `npm start` and the test run: rebuild with Vite when
 * the build is missing or older than any file in `web/` or in the React package it is
 * built on (bundled from source, see web/vite.config.ts).
 */

export const WEB_ROOT = fileURLToPath(new URL("../../web", import.meta.url));
const REACT_PACKAGE_SOURCE = fileURLToPath(new URL("../../packages/react/src", import.meta.url));

/** Build output, dependencies, and our own temporary build directories are not sources. */
const isSource = (name: string) =>
  name !== "dist" && name !== "node_modules" && !name.startsWith(".");

function newestSourceTime(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (!isSource(entry.name)) continue;
    const path = join(directory, entry.name);
    const time = entry.isDirectory() ? newestSourceTime(path) : statSync(path).mtimeMs;
    newest = Math.max(newest, time);
  }
  return newest;
}

export function isWebBuildStale(
  webRoot = WEB_ROOT,
  packageSources = existsSync(REACT_PACKAGE_SOURCE) ? [REACT_PACKAGE_SOURCE] : [],
): boolean {
  const index = join(webRoot, "dist", "index.html");
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return [webRoot, ...packageSources].some((root) => newestSourceTime(root) > built);
}

/**
 * Builds into a fresh directory and swaps it in, so a running server (or another build
 * racing this one, e.g. two test runs) never sees a half-written `dist`.
 */
export async function buildWeb(webRoot = WEB_ROOT): Promise<void> {
  const staging = join(webRoot, `.dist-${process.pid}-${Date.now()}`);
  const dist = join(webRoot, "dist");
  try {
    await runViteBuild(webRoot, staging);
    const previous = `${staging}-old`;
    await rename(dist, previous).catch(() => undefined);
    await rename(staging, dist).catch((error: unknown) => {
      // Another build won the race; its output is as fresh as ours.
      if (!existsSync(join(dist, "index.html"))) throw error;
    });
    await rm(previous, { recursive: true, force: true });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * In its own process with NODE_ENV=production: under vitest (NODE_ENV=test) Vite would
 * otherwise bundle React's development build, half again as large.
 */
function runViteBuild(webRoot: string, outDir: string): Promise<void> {
  // Vite is a development dependency: resolved only when a build is due.
  const vitePackage = createRequire(import.meta.url).resolve("vite/package.json");
  const vite = join(dirname(vitePackage), "bin", "vite.js");
  const args = [vite, "build", webRoot, "--outDir", outDir, "--emptyOutDir", "--logLevel", "warn"];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { ...process.env, NODE_ENV: "production" },
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`vite build exited with ${code}`)),
    );
  });
}

export type WebBuildOutcome = "fresh" | "built";

/** Builds the web app when it is stale; says which it did. */
export async function ensureWebBuild(webRoot = WEB_ROOT): Promise<WebBuildOutcome> {
  if (!isWebBuildStale(webRoot)) return "fresh";
  await buildWeb(webRoot);
  return "built";
}
