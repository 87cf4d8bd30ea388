import { registerKeysCommand } from "../src/cli/keys.js";
import { runCommandInProcess } from "./cli-in-process.js";
import type { TestPortico } from "./portico.js";

/** Runs `portico keys …` in-process against the test server's database. */
export function runKeysCli(t: TestPortico, ...args: string[]) {
  return runCommandInProcess(t, registerKeysCommand, "keys", ...args);
}

/** Creates a key through the CLI and returns its secret. */
export async function createKey(t: TestPortico, name: string, scope: "read" | "manage" = "read") {
  const result = await runKeysCli(t, "create", "--name", name, "--scope", scope);
  const key = /psk_[A-Za-z0-9_-]{43}/.exec(result.out)?.[0];
  if (result.code !== 0 || !key) throw new Error(`keys create failed: ${result.err}`);
  return key;
}

/**
 * A backend's call with a service key, for `subject` (no header when undefined), to a hosted
 * project when `project` names one.
 */
export function callWithKey(
  t: TestPortico,
  key: string,
  subject: string | undefined,
  path: string,
  body?: unknown,
  project?: string,
) {
  return fetch(`${t.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    redirect: "manual",
    headers: {
      authorization: `Bearer ${key}`,
      ...(subject === undefined ? {} : { "portico-subject": subject }),
      ...(project === undefined ? {} : { "portico-project": project }),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
