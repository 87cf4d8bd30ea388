import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

describe("the portico bin", () => {
  it("runs the compiled CLI, compiling it first when dist/ is missing or stale", () => {
    const result = spawnSync(process.execPath, ["bin/portico.js", "--help"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 180_000,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("Usage: portico");
    // Every command group is registered in the compiled program.
    const commands = ["start", "migrate", "stripe", "doctor", "sync", "events", "projects"];
    for (const command of [...commands, "customers", "keys", "webhooks"]) {
      expect(result.stdout).toMatch(new RegExp(`\\n  ${command}\\b`));
    }
    // What it ran: JavaScript under dist/, stamped by the build it made or found fresh.
    for (const built of ["dist/cli/main.js", "dist/.built", "packages/emulator/dist/main.js"]) {
      expect(existsSync(`${ROOT}/${built}`), built).toBe(true);
    }
  }, 200_000);
});
