import { Command } from "commander";
import { registerKeysCommand } from "../src/cli/keys.js";
import type { TestPortico } from "./portico.js";

/** Runs `portico keys …` in-process against the test server's database. */
export async function runKeysCli(t: TestPortico, ...args: string[]) {
  const captured = { out: "", err: "", code: undefined as number | undefined };
  const write = (to: "out" | "err") => (text: string) => {
    captured[to] += text;
  };
  const program = new Command()
    .exitOverride()
    .configureOutput({ writeOut: write("out"), writeErr: write("err") });
  registerKeysCommand(program, {
    config: () => t.config,
    io: { out: write("out"), err: write("err") },
    exit: (code) => {
      captured.code = code;
    },
    database: t.portico.database,
  });
  try {
    await program.parseAsync(["keys", ...args], { from: "user" });
  } catch (error) {
    captured.code = (error as { exitCode?: number }).exitCode ?? 1;
  }
  return captured;
}

/** Creates a key through the CLI and returns its secret. */
export async function createKey(t: TestPortico, name: string, scope: "read" | "manage" = "read") {
  const result = await runKeysCli(t, "create", "--name", name, "--scope", scope);
  const key = /psk_[A-Za-z0-9_-]{43}/.exec(result.out)?.[0];
  if (result.code !== 0 || !key) throw new Error(`keys create failed: ${result.err}`);
  return key;
}

/** A backend's call with a service key, for `subject` (no header when undefined). */
export function callWithKey(
  t: TestPortico,
  key: string,
  subject: string | undefined,
  path: string,
  body?: unknown,
) {
  return fetch(`${t.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    redirect: "manual",
    headers: {
      authorization: `Bearer ${key}`,
      ...(subject === undefined ? {} : { "portico-subject": subject }),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
