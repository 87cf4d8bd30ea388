import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { porticoCommand } from "../../test/cli-process.js";
import { applyEnvFile, EnvFileError, findEnvFileProblem } from "./env-file.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dirWithEnvFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "portico-env-"));
  dirs.push(dir);
  writeFileSync(join(dir, ".env"), text);
  return dir;
}

/** `portico` as a process in `cwd`: the package's bin. */
function runCli(cwd: string, args: string[], env: Record<string, string>) {
  return spawnSync(...porticoCommand(...args), {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe(".env in the working directory", () => {
  it("adds its variables, and the process environment wins over it", () => {
    const dir = dirWithEnvFile(
      [
        "# a comment",
        "export APP_URL=https://file.example.com",
        'PORT = "4000" # inline comment',
        "STRIPE_WEBHOOK_SECRET='whsec_fromFile'",
        'MULTI="one',
        'two"',
        "",
      ].join("\n"),
    );
    const env: Record<string, string | undefined> = { PORT: "5000" };
    const loaded = applyEnvFile(env, dir);
    expect(env).toEqual({
      PORT: "5000",
      APP_URL: "https://file.example.com",
      STRIPE_WEBHOOK_SECRET: "whsec_fromFile",
      MULTI: "one\ntwo",
    });
    expect(loaded?.applied.sort()).toEqual(["APP_URL", "MULTI", "STRIPE_WEBHOOK_SECRET"]);
  });

  it("changes nothing without a file", () => {
    const dir = mkdtempSync(join(tmpdir(), "portico-env-"));
    dirs.push(dir);
    const env = { PORT: "1" };
    expect(applyEnvFile(env, dir)).toBeUndefined();
    expect(env).toEqual({ PORT: "1" });
  });

  it("refuses a malformed file, naming the file and line", () => {
    const dir = dirWithEnvFile("PORT=4000\nSTRIPE_SECRET_KEY sk_test_abc\nHOST=0.0.0.0\n");
    const env = {};
    expect(() => applyEnvFile(env, dir)).toThrow(EnvFileError);
    expect(() => applyEnvFile(env, dir)).toThrow(
      `${join(dir, ".env")}:2: expected NAME=value (or a # comment)`,
    );
    // Nothing of a bad file is applied.
    expect(env).toEqual({});
    expect(findEnvFileProblem('A=1\nB="never closed\nC=3\n')).toEqual({
      line: 2,
      problem: "the value's \" quote is never closed",
    });
  });

  it("reads the shipped .env.example without a problem", () => {
    expect(findEnvFileProblem(readFileSync(join(ROOT, ".env.example"), "utf8"))).toBeUndefined();
  });

  it("is read by the portico CLI before it loads the configuration", () => {
    const dir = dirWithEnvFile("APP_URL=http://127.0.0.1:2\nPORTICO_DATA_DIR=memory://env-file\n");
    const result = runCli(dir, ["doctor", "--json"], { APP_URL: "http://127.0.0.1:1" });
    const report = JSON.parse(result.stdout) as { checks: { name: string; message: string }[] };
    const byName = Object.fromEntries(report.checks.map((check) => [check.name, check]));
    expect(byName.database?.message).toBe("no data directory: nothing to check");
    expect(byName.app_url_origins?.message).toContain("APP_URL http://127.0.0.1:1;");
  });

  it("stops the CLI on a malformed file with the file and line", () => {
    const dir = dirWithEnvFile("# ok\nnot a variable\n");
    const result = runCli(dir, ["--help"], {});
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      `Invalid .env file: ${join(dir, ".env")}:2: expected NAME=value (or a # comment)`,
    );
  });
});
