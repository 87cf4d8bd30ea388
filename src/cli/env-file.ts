import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseEnv } from "node:util";

/**
 * `.env` in the working directory, for the `portico` CLI (and so `npm start`). The embedded
 * library never reads it: a host app loads its own environment.
 */

export class EnvFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    problem: string,
  ) {
    super(`${file}${line === undefined ? "" : `:${line}`}: ${problem}`);
    this.name = "EnvFileError";
  }
}

const ASSIGNMENT = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*=(.*)$/;
const QUOTES = ['"', "'", "`"];

/**
 * The line of the first entry `util.parseEnv` would misread, and why. parseEnv never
 * fails: `STRIPE_SECRET_KEY sk_test_…` (no `=`) silently joins the following lines into
 * one odd variable name, so a typo would surface later as "no key set".
 */
export function findEnvFileProblem(text: string): { line: number; problem: string } | undefined {
  const lines = text.split(/\r?\n/);
  let open: { quote: string; line: number } | undefined;
  for (const [index, line] of lines.entries()) {
    if (open) {
      if (line.includes(open.quote)) open = undefined;
      continue;
    }
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const match = ASSIGNMENT.exec(line);
    if (!match) {
      return { line: index + 1, problem: "expected NAME=value (or a # comment)" };
    }
    const value = (match[1] ?? "").trimStart();
    const quote = QUOTES.find((q) => value.startsWith(q));
    // A quoted value may span lines until its closing quote.
    if (quote && !value.slice(1).includes(quote)) open = { quote, line: index + 1 };
  }
  if (open) return { line: open.line, problem: `the value's ${open.quote} quote is never closed` };
  return undefined;
}

/**
 * Adds the variables of `.env` (in `cwd`) that `env` does not already have: the real
 * environment wins, as with dotenv and `node --env-file`. No file: nothing changes.
 * A malformed file throws an EnvFileError naming the file and line.
 */
export function applyEnvFile(
  env: Record<string, string | undefined>,
  cwd: string = process.cwd(),
): { file: string; applied: string[] } | undefined {
  const file = resolve(cwd, ".env");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new EnvFileError(file, undefined, (error as Error).message);
  }
  const problem = findEnvFileProblem(text);
  if (problem) throw new EnvFileError(file, problem.line, problem.problem);
  const applied: string[] = [];
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (name in env || value === undefined) continue;
    env[name] = value;
    applied.push(name);
  }
  return { file, applied };
}
