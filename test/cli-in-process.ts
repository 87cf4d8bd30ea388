import { Command } from "commander";
import type { CommandContext } from "../src/cli/command-context.js";
import type { TestPortico } from "./portico.js";

/** Runs a `portico <command> …` group in-process against the test server's database. */
export async function runCommandInProcess(
  t: TestPortico,
  register: (program: Command, context: CommandContext) => void,
  ...args: string[]
) {
  const captured = { out: "", err: "", code: undefined as number | undefined };
  const write = (to: "out" | "err") => (text: string) => {
    captured[to] += text;
  };
  const program = new Command()
    .exitOverride()
    .configureOutput({ writeOut: write("out"), writeErr: write("err") });
  register(program, {
    config: () => t.config,
    io: { out: write("out"), err: write("err") },
    exit: (code) => {
      captured.code = code;
    },
    database: t.portico.database,
  });
  try {
    await program.parseAsync(args, { from: "user" });
  } catch (error) {
    // exitOverride: commander's own usage errors throw instead of exiting.
    captured.code = (error as { exitCode?: number }).exitCode ?? 1;
  }
  return captured;
}
