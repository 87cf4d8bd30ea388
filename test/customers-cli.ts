import { Command } from "commander";
import { registerCustomersCommand } from "../src/cli/customers.js";
import type { TestPortico } from "./portico.js";

/** Runs `portico customers …` in-process against the test server's database and Stripe. */
export async function runCustomersCli(t: TestPortico, ...args: string[]) {
  const captured = { out: "", err: "", code: undefined as number | undefined };
  const write = (to: "out" | "err") => (text: string) => {
    captured[to] += text;
  };
  const program = new Command()
    .exitOverride()
    .configureOutput({ writeOut: write("out"), writeErr: write("err") });
  registerCustomersCommand(program, {
    config: () => t.config,
    io: { out: write("out"), err: write("err") },
    exit: (code) => {
      captured.code = code;
    },
    database: t.portico.database,
  });
  try {
    await program.parseAsync(["customers", ...args], { from: "user" });
  } catch (error) {
    // exitOverride: commander's own usage errors throw instead of exiting.
    captured.code = (error as { exitCode?: number }).exitCode ?? 1;
  }
  return captured;
}

/** A user's bearer-token GET or POST on the server. */
export function callAs(t: TestPortico, token: string, path: string, body?: unknown) {
  return fetch(`${t.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
