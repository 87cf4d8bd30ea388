import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * The `portico` CLI as users run it: the package's bin, which runs compiled JavaScript.
 * Spawning it costs no TypeScript compile; the run's global setup builds it once, so no
 * test pays for (or races) a build.
 */

export const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
export const PORTICO_BIN = fileURLToPath(new URL("../bin/portico.js", import.meta.url));

/** `node bin/portico.js <args>`: the command and arguments for `spawn`. */
export const porticoCommand = (...args: string[]): [string, string[]] => [
  process.execPath,
  [PORTICO_BIN, ...args],
];

/** Compiles Portico and the emulator if their sources changed since the last build. */
export function buildCompiledCli(): void {
  const result = spawnSync(process.execPath, [PORTICO_BIN, "--version"], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(`building the CLI failed:\n${result.stdout}${result.stderr}`);
  }
}
