// Compiles Portico's programs when their JavaScript is missing or older than their source,
// so a checkout of the repository runs compiled code without a separate build step.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Each compiled program: its sources, its build config, and the stamp of its last build. */
const programs = [
  { source: "src", config: "tsconfig.build.json", stamp: "dist/.built" },
  {
    source: "packages/emulator/src",
    config: "packages/emulator/tsconfig.build.json",
    stamp: "packages/emulator/dist/.built",
  },
];

function newestSourceMs(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "dist" || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMs(path));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds each program whose sources changed since its last build; exits on a failed build. */
export function buildIfStale() {
  for (const program of programs) {
    const source = join(root, program.source);
    // An installed package ships dist/ and no sources: nothing to build.
    if (!existsSync(source)) continue;
    // A stamp, not an output's time: an incremental build leaves unchanged outputs alone.
    const stamp = join(root, program.stamp);
    const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
    if (built >= newestSourceMs(source)) continue;
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    const result = spawnSync(process.execPath, [tsc, "-p", join(root, program.config)], {
      stdio: "inherit",
    });
    if (result.status !== 0) {
      console.error(`portico: compiling ${program.source}/ failed`);
      process.exit(result.status ?? 1);
    }
    writeFileSync(stamp, `${new Date().toISOString()}\n`);
  }
}
